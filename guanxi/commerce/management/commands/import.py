"""``guanxi import orders FILE [--create-customers] [--as USER]``: orders from CSV or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.commerce.services.imports import orders_import
from guanxi.core.errors import GuanxiError
from guanxi.platform.progress import ProgressBar
from guanxi.platform.selectors import command_actor
from guanxi.platform.tabular import open_table


class Command(BaseCommand):
    help = "Import orders from a CSV (UTF-8 or GB18030) or XLSX file; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["orders"])
        parser.add_argument("file")
        parser.add_argument(
            "--create-customers",
            action="store_true",
            help="Create a contact for each customer id the CRM does not know yet.",
        )
        parser.add_argument("--as", dest="username", help="User the import acts as.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = command_actor(options["username"])
        bar = ProgressBar.for_command(self, "orders")
        try:
            with path.open("rb") as stream:
                report = orders_import(
                    actor=actor,
                    table=open_table(stream, name=path.name),
                    file_name=path.name,
                    create_customers=options["create_customers"],
                    progress=bar.update,
                    batch_size=options["batch_size"],
                )
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc
        bar.finish()
        self.stdout.write(
            f"Rows read: {report.rows_read:,}; orders created: {report.orders_created:,}, "
            f"updated: {report.orders_updated:,}, unchanged: {report.orders_unchanged:,}; "
            f"customers created: {report.customers_created:,}, matched: "
            f"{report.customers_matched:,}; rows refused: {report.error_count:,}."
        )
        for error in report.errors[:20]:
            self.stdout.write(f"  row {error['row']}, {error['column']}: {error['message']}")
        if report.error_count > 20:
            self.stdout.write(f"  ... and {report.error_count - 20:,} more.")
