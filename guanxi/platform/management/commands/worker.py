"""``guanxi worker``: runs background tasks from the database queue, and starts the daily jobs."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from guanxi.platform.schedule import run_due_jobs

CHECK_SECONDS = 60


def _schedule_loop(stop: threading.Event) -> None:
    while not stop.wait(CHECK_SECONDS):
        try:
            run_due_jobs()
        finally:
            connection.close()


class Command(BaseCommand):
    help = "Run the background task worker (database-backed queue) and the daily jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-schedule", action="store_true", help="Do not start the daily jobs here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["no_schedule"]:
            threading.Thread(target=_schedule_loop, args=(stop,), daemon=True).start()
        try:
            call_command("db_worker")
        finally:
            stop.set()
