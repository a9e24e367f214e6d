"""``guanxi worker``: runs background tasks from the database queue, and the scheduled jobs.

Scheduled jobs are checked just after each minute starts: daily jobs past their hour, and minute
jobs (each claims its slot, so several workers run a job once per slot).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from guanxi.platform.schedule import run_due_jobs, run_minute_jobs

logger = logging.getLogger(__name__)
# Seconds into each minute at which the schedule is checked: clear of the minute's boundary.
CHECK_OFFSET = 2.0


def seconds_until_next_check(now: float) -> float:
    """From ``now`` (epoch seconds) to CHECK_OFFSET seconds past the next minute; never zero."""
    return (CHECK_OFFSET - now % 60.0) % 60.0 or 60.0


def _schedule_loop(stop: threading.Event) -> None:
    while not stop.wait(seconds_until_next_check(time.time())):
        try:
            run_due_jobs()
            run_minute_jobs()
        except Exception:
            logger.exception("The scheduled jobs could not be checked; trying again next minute")
        finally:
            connection.close()


class Command(BaseCommand):
    help = "Run the background task worker (database-backed queue) and the scheduled jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-schedule", action="store_true", help="Do not run the scheduled jobs here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["no_schedule"]:
            threading.Thread(target=_schedule_loop, args=(stop,), daemon=True).start()
        try:
            call_command("db_worker")
        finally:
            stop.set()
