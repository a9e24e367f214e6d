"""``guanxi purge_deleted [--days N] [--as USER] [--enqueue]``: remove deleted customers for good.

Run daily by the scheduler with the restore window; administrators who must purge sooner (a
customer's request, a mistaken mass import) give a shorter ``--days``, ``--days 0`` for all.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.core.errors import GuanxiError
from guanxi.customers.services.purge import customers_purge_deleted, require_purger
from guanxi.customers.tasks import purge_deleted_customers
from guanxi.platform.selectors import command_actor


class Command(BaseCommand):
    help = (
        "Remove accounts and contacts deleted at least --days days ago (default: the restore "
        "window); their history stays, rows of other modules are kept or unlinked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.GUANXI_SOFT_DELETE_DAYS,
            help="Purge what was deleted at least this many days ago; 0 purges every deleted "
            f"record (default {settings.GUANXI_SOFT_DELETE_DAYS}).",
        )
        parser.add_argument(
            "--as", dest="username", help="Who the run is audited as (default: an administrator)."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for `guanxi worker` instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            raise CommandError("--days cannot be negative.")
        actor = command_actor(options["username"])
        try:
            require_purger(actor)
            if options["enqueue"]:
                result = purge_deleted_customers.enqueue(days=days, actor_id=actor.pk)
                self.stdout.write(f"queued task {result.id}")
                return
            totals = customers_purge_deleted(actor=actor, days=days)
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"removed {totals['contacts']} contacts and {totals['accounts']} accounts; "
            f"refused {totals['refused']}"
        )
        for label, counts in totals["related"].items():
            listed = ", ".join(f"{outcome} {count}" for outcome, count in counts.items())
            self.stdout.write(f"  {label}: {listed}")
        for refusal in totals["refusals"]:
            self.stdout.write(f"  kept {refusal['type']} {refusal['id']}: {refusal['reason']}")
