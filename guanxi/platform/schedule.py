"""Daily and minute jobs of ``guanxi worker``: domains register them, the worker runs what is due.

No cron needed on a laptop or a shop's PC. Each daily job runs at most once a day (local time),
after its hour: a ``ScheduledRun`` row with a unique (job, day) decides which worker starts it, so
several workers never start it twice. Minute jobs (SLA clocks, reminders) work the same way with a
unique (job, slot) ``MinuteJobRun``; see docs/notifications.md.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from guanxi.platform.models import ScheduledRun
from guanxi.platform.notifications.models import MinuteJobRun

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


@dataclass(frozen=True)
class MinuteJob:
    """``run(now, previous)``: ``previous`` is the slot of the last successful run (None at first).

    A job covers everything between ``previous`` and ``now`` itself, so that a worker that was
    down for an hour makes one catch-up run instead of sixty.
    """

    key: str
    run: Callable[[datetime.datetime, datetime.datetime | None], object]
    every_minutes: int = 1


_MINUTE_JOBS: dict[str, MinuteJob] = {}
# Claimed slots older than this are deleted as jobs run, so the table stays small.
KEEP_SLOTS = datetime.timedelta(days=2)


def register_minute_job(job: MinuteJob) -> None:
    if job.every_minutes < 1:
        raise ValueError("every_minutes must be at least 1")
    _MINUTE_JOBS[job.key] = job


def unregister_minute_job(key: str) -> None:
    _MINUTE_JOBS.pop(key, None)


def slot_of(now: datetime.datetime, every_minutes: int) -> datetime.datetime:
    """The start of the period ``now`` falls in, counted in whole minutes since the epoch (UTC)."""
    minutes = int(now.timestamp() // 60)
    start = minutes - minutes % every_minutes
    return datetime.datetime.fromtimestamp(start * 60, tz=datetime.UTC)


def _run_in_slot(job: MinuteJob, slot: datetime.datetime, now: datetime.datetime) -> bool:
    """Claim the slot and run the job in one transaction; False when another worker has it.

    Holding the claim's row lock while the job runs makes a second worker wait and then find the
    slot taken; a job that raises rolls its claim back, so the next slot sees the same ``previous``
    and covers the failed period again.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                MinuteJobRun.objects.create(job=job.key, slot=slot)
        except IntegrityError:
            return False
        previous = (
            MinuteJobRun.objects.filter(job=job.key, slot__lt=slot)
            .order_by("-slot")
            .values_list("slot", flat=True)
            .first()
        )
        job.run(now, previous)
        MinuteJobRun.objects.filter(job=job.key, slot__lt=slot - KEEP_SLOTS).delete()
    return True


def run_minute_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Run each minute job whose current slot no worker has claimed yet; return their keys."""
    now = now or timezone.now()
    ran = []
    for job in list(_MINUTE_JOBS.values()):
        try:
            if _run_in_slot(job, slot_of(now, job.every_minutes), now):
                ran.append(job.key)
        except Exception:
            logger.exception("The minute job %s failed; it runs again in the next slot", job.key)
    return ran
