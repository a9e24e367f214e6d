"""Daily jobs started by ``guanxi worker``: domains register them, the worker runs what is due.

No cron needed on a laptop or a shop's PC. Each job runs at most once a day (local time), after its
hour: a ``ScheduledRun`` row with a unique (job, day) decides which worker starts it, so several
workers never start it twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from guanxi.platform.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyJob:
    key: str
    at: datetime.time
    start: Callable[[], None]  # quick: typically enqueues a background task


_JOBS: dict[str, DailyJob] = {}


def register_daily_job(job: DailyJob) -> None:
    _JOBS[job.key] = job


def unregister_daily_job(key: str) -> None:
    _JOBS.pop(key, None)


def parse_time(text: str, default: datetime.time) -> datetime.time:
    try:
        return datetime.time.fromisoformat(text) if text else default
    except ValueError:
        logger.warning("Not a time of day: %r; using %s", text, default)
        return default


def run_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Start every job whose time has come today and that no worker started yet."""
    local = timezone.localtime(now or timezone.now())
    started = []
    for job in list(_JOBS.values()):
        if local.time() < job.at:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.key, day=local.date())
                job.start()
        except IntegrityError:
            continue  # started today already
        except Exception:
            logger.exception("The daily job %s could not start", job.key)
            continue
        started.append(job.key)
    return started
