"""``guanxi import KIND FILE ...``, ``guanxi import undo BATCH`` and ``guanxi import orders FILE``.

Every kind a domain registered (contacts, accounts ...) goes through the import framework: the
mapping is proposed from the headers, changed with ``--map COLUMN=FIELD`` or taken from a saved
template (``--mapping``), and the batch runs here with a progress bar on stderr. ``--json`` ends
stdout with one line of figures that scripts read. Orders keep their own importer
(``commerce.services.imports.orders_import``) and options.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.core.errors import GuanxiError
from guanxi.platform.imports.registry import importer_for, registered_importers
from guanxi.platform.models import ImportBatch
from guanxi.platform.models.imports import BatchStatus, OnMatch
from guanxi.platform.progress import ProgressBar
from guanxi.platform.selectors import command_actor

SHOWN_ERRORS = 20


def _import_options(options: Any) -> dict[str, Any]:
    """What a kind's importer reads besides the mapping (leads: the event, who gets them)."""
    chosen: dict[str, Any] = {}
    if options.get("event"):
        chosen["event"] = options["event"]
    if options.get("assign"):
        chosen["assign"] = [name.strip() for name in options["assign"].split(",") if name.strip()]
    return chosen


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8 or GB18030), XLSX or vCard file: `guanxi import contacts FILE "
        "[--map COLUMN=FIELD ...] [--mapping TEMPLATE] [--dry-run] [--on-match "
        "create|update|skip] [--json]`; `guanxi import undo BATCH`; `guanxi import orders FILE "
        "[--map COLUMN=FIELD ...] [--create-customers]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="contacts, accounts, orders ... or undo")
        parser.add_argument("file", nargs="?", help="The file to import (undo: the batch id).")
        parser.add_argument(
            "--map",
            dest="map",
            action="extend",
            nargs="+",
            default=[],
            metavar="COLUMN=FIELD",
            help="Map a column to a field (an empty FIELD ignores the column); the rest of the "
            "columns keep the proposed mapping.",
        )
        parser.add_argument("--mapping", help="Start from this saved mapping template.")
        parser.add_argument("--save-mapping", help="Save the mapping used as a template.")
        parser.add_argument("--sheet", help="The sheet of a workbook to read (default: first).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, write nothing."
        )
        parser.add_argument(
            "--on-match",
            choices=OnMatch.values,
            default=OnMatch.UPDATE,
            help="What to do with a row that matches an existing record (default: update).",
        )
        parser.add_argument(
            "--json", action="store_true", help="End with one JSON line of the batch's figures."
        )
        parser.add_argument(
            "--create-customers",
            action="store_true",
            help="Orders: create a contact for each customer id the CRM does not know yet.",
        )
        parser.add_argument(
            "--event", help="Leads: the trade show or campaign every lead of the file came from."
        )
        parser.add_argument(
            "--assign",
            help="Leads: user names (comma-separated) the new leads go to in turn, or auto (the "
            "assignment rules).",
        )
        parser.add_argument("--as", dest="username", help="User the import acts as.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        target = options["file"]
        if target is None:
            target = _file_among_map_values(options["map"])
        if target is None:
            raise CommandError("Name the file to import (or, for undo, the batch).")
        if kind == "undo":
            self._undo(target, options)
        elif kind == "orders":
            self._orders(Path(target), options)
        else:
            self._import(kind, Path(target), options)

    # --- contacts, accounts, any registered kind ---------------------------------------------

    def _import(self, kind: str, path: Path, options: Any) -> None:
        from guanxi.platform.imports.runner import import_run, import_start

        if importer_for(kind) is None:
            kinds = ", ".join(["orders", *(i.kind for i in registered_importers())])
            raise CommandError(f"Cannot import {kind!r}; choose one of: {kinds}.")
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = command_actor(options["username"])
        bar = ProgressBar.for_command(self, kind)
        try:
            mapping = self._mapping(actor, kind, path, options)
            batch = import_start(
                actor=actor,
                kind=kind,
                path_or_stream=path,
                file_name=path.name,
                mapping=mapping,
                template=options["mapping"],
                sheet=options["sheet"],
                on_match=options["on_match"],
                dry_run=options["dry_run"],
                options=_import_options(options),
            )
            if options["save_mapping"]:
                from guanxi.platform.services.mapping_templates import mapping_template_save

                mapping_template_save(
                    actor=actor, kind=kind, name=options["save_mapping"], mapping=batch.mapping
                )
            batch = import_run(
                batch.pk,
                progress=lambda done, total, _rate: bar.update(done, total),
                chunk_size=options["batch_size"],
            )
        except GuanxiError as exc:
            raise CommandError(_field_message(exc)) from exc
        finally:
            bar.finish()
        self._summary(batch, options)

    def _mapping(self, actor: Any, kind: str, path: Path, options: Any) -> dict[str, str] | None:
        """``--map`` changes single columns of the template's or the proposed mapping."""
        if not options["map"]:
            return None
        from guanxi.platform.imports import formats
        from guanxi.platform.imports.mapping import parse_map_options
        from guanxi.platform.imports.runner import importer_of, resolve_mapping

        with path.open("rb") as stream:
            source = formats.open_source(
                stream, name=path.name, sheet=options["sheet"], count_rows=False
            )
            columns = list(source.columns)
        base = resolve_mapping(
            actor=actor,
            importer=importer_of(kind),
            columns=columns,
            mapping=None,
            template=options["mapping"],
        )
        ignored = {value[:-1].strip() for value in options["map"] if value.endswith("=")}
        base.update(parse_map_options([v for v in options["map"] if not v.endswith("=")]))
        return {column: field for column, field in base.items() if column not in ignored}

    def _summary(self, batch: ImportBatch, options: Any) -> None:
        what = "Dry run (nothing written)" if batch.dry_run else "Import"
        self.stdout.write(
            f"{what} {batch.public_id} of {batch.file_name}: {batch.get_status_display()}."
        )
        if batch.message:
            self.stdout.write(batch.message)
        self.stdout.write(
            f"Rows read: {batch.rows_done:,}; created: {batch.created:,}, updated: "
            f"{batch.updated:,}, skipped: {batch.skipped:,}; rows refused: {batch.refused:,} "
            f"({batch.rows_per_second:,.0f} rows/s)."
        )
        for error in batch.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"  row {error['row']}, {error['column']}: {error['message']}")
        if batch.refused > SHOWN_ERRORS:
            self.stdout.write(f"  ... and {batch.refused - SHOWN_ERRORS:,} more.")
        if not batch.dry_run and batch.status in (BatchStatus.FINISHED, BatchStatus.CANCELLED):
            self.stdout.write(f"Undo with: guanxi import undo {batch.public_id}")
        if options["json"]:
            figures = {
                "batch": str(batch.public_id),
                "created": batch.created,
                "updated": batch.updated,
                "skipped": batch.skipped,
                "refused": batch.refused,
            }
            self.stdout.write(json.dumps(figures))
        if batch.status == BatchStatus.FAILED:
            raise CommandError(batch.message or "The import failed.")

    # --- undo --------------------------------------------------------------------------------

    def _undo(self, public_id: str, options: Any) -> None:
        from guanxi.platform.imports.runner import import_undo

        try:
            batch = ImportBatch.objects.get(public_id=uuid.UUID(public_id))
        except (ValueError, ImportBatch.DoesNotExist):
            raise CommandError(f"No import batch {public_id!r}.") from None
        actor = command_actor(options["username"])
        try:
            counts = import_undo(actor=actor, batch=batch)
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc
        done = ", ".join(f"{label}: {count:,}" for label, count in counts.items()) or "nothing"
        self.stdout.write(f"Undid import {batch.public_id} of {batch.file_name}: {done}.")

    # --- orders (their own importer) ---------------------------------------------------------

    def _orders(self, path: Path, options: Any) -> None:
        from guanxi.commerce.services.imports import orders_import
        from guanxi.platform.tabular import open_table

        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = command_actor(options["username"])
        bar = ProgressBar.for_command(self, "orders")
        try:
            mapping = _order_mapping(options["map"])
            with path.open("rb") as stream:
                report = orders_import(
                    actor=actor,
                    table=open_table(stream, name=path.name),
                    file_name=path.name,
                    create_customers=options["create_customers"],
                    progress=bar.update,
                    batch_size=options["batch_size"],
                    mapping=mapping,
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
        for error in report.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"  row {error['row']}, {error['column']}: {error['message']}")
        if report.error_count > SHOWN_ERRORS:
            self.stdout.write(f"  ... and {report.error_count - SHOWN_ERRORS:,} more.")


def _order_mapping(values: list[str]) -> dict[str, str] | None:
    """``--map 单号=order_id --map 备注=``: the columns named; an empty field ignores one."""
    from guanxi.platform.imports.mapping import parse_map_options

    if not values:
        return None
    ignored = {value[:-1].strip(): "" for value in values if value.endswith("=")}
    return ignored | parse_map_options([value for value in values if not value.endswith("=")])


def _file_among_map_values(values: list[str]) -> str | None:
    """``--map A=b FILE``: argparse hands the file to ``--map``; take it back from there."""
    loose = [value for value in values if "=" not in value]
    if len(loose) != 1:
        return None
    values.remove(loose[0])
    return loose[0]


def _field_message(error: GuanxiError) -> str:
    """The message, with the field-specific ones when they say more (a mapping's columns)."""
    details = [m for messages in error.field_errors.values() for m in messages]
    extra = [m for m in details if m != error.message]
    return " ".join([error.message, *extra]) if extra else error.message
