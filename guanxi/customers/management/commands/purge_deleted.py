"""``guanxi purge_deleted``: remove customers deleted more than 30 days ago (for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guanxi.customers.services.purge import customers_purge_deleted
from guanxi.customers.tasks import purge_deleted_customers


class Command(BaseCommand):
    help = "Remove accounts and contacts deleted more than 30 days ago (their history stays)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for `guanxi worker` instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = purge_deleted_customers.enqueue()
            self.stdout.write(f"queued task {result.id}")
            return
        removed = customers_purge_deleted()
        self.stdout.write(
            f"removed {removed['contacts']} contacts and {removed['accounts']} accounts"
        )
