"""Starting an export: permission, audit, and the file as a stream of bytes.

Two audit events, because only one of them could be honest about the row count when it is
written before the stream: ``platform.export.created`` is written (and committed) before the
first byte leaves, with the kind, format and filters, so an export is on record even when the
download is cut short; ``platform.export.finished`` is written when the stream ends, with the
rows actually written and whether the stream ran to its end (``complete``: false when the client
went away). Counting first would cost a second pass over the list and could still disagree with
what was sent if records changed in between.
"""

from __future__ import annotations

import datetime
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.core.errors import NotFoundError, ServiceValidationError
from guanxi.platform.exports.csvfile import csv_chunks
from guanxi.platform.exports.registry import Filters, exporter_for
from guanxi.platform.exports.vcards import vcard_chunks
from guanxi.platform.exports.xlsxfile import xlsx_chunks
from guanxi.platform.services.audit import audit_record
from guanxi.platform.verbs import register_verb_labels

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "vcf": "text/vcard; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)

EXPORT_VERB_LABELS = {
    "platform.export.created": gettext_noop("Export started"),
    "platform.export.finished": gettext_noop("Export finished"),
}
register_verb_labels(EXPORT_VERB_LABELS)


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def through(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            self.count += 1
            yield item


@dataclass
class ExportStream:
    kind: str
    format: str
    file_name: str  # "联系人-2026-12-01.csv", in the actor's language and time zone
    ascii_file_name: str  # "contacts-2026-12-01.csv", for clients that read no RFC 5987 name
    content_type: str
    chunks: Generator[bytes]
    counter: _Counter

    @property
    def rows_written(self) -> int:
        return self.counter.count


def export_start(*, actor: Any, kind: str, format: str, filters: Filters) -> ExportStream:
    """Check, audit, and return the file; nothing is read until the chunks are iterated."""
    exporter = exporter_for(kind)
    if exporter is None:
        raise NotFoundError(_("Nothing called “%(kind)s” can be exported.") % {"kind": kind[:40]})
    if format not in exporter.formats:
        raise ServiceValidationError.for_field(
            "format",
            _("Choose one of: %(formats)s.") % {"formats": ", ".join(exporter.formats)},
        )
    exporter.check_permission(actor)
    counter = _Counter()
    chunks: Iterator[bytes]
    if format == "vcf":
        chunks = vcard_chunks(counter.through(exporter.vcards(actor, filters)))
    else:
        table = exporter.rows(actor, filters)
        rows = counter.through(table.rows)
        if format == "csv":
            chunks = csv_chunks(table.columns, rows)
        else:
            chunks = xlsx_chunks(table.columns, rows, sheet=str(exporter.label))
    # After the exporter accepted the filters (a refused one exports nothing), before any row.
    shown_filters = {key: _jsonable(value) for key, value in filters.items() if value}
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="platform.export.created",
            target=actor,
            changes={"kind": kind, "format": format, "filters": shown_filters},
        )
    today = timezone.localdate().isoformat()
    return ExportStream(
        kind=kind,
        format=format,
        file_name=f"{exporter.label}-{today}.{format}",
        ascii_file_name=f"{kind}-{today}.{format}",
        content_type=CONTENT_TYPES[format],
        chunks=_finished(chunks, counter, actor=actor, kind=kind, format=format),
        counter=counter,
    )


def _finished(
    chunks: Iterator[bytes], counter: _Counter, *, actor: Any, kind: str, format: str
) -> Generator[bytes]:
    """The chunks, then the closing audit event; ``yield from`` closes the writer (and with it
    its database cursor and temporary file) when the client goes away mid-file."""
    complete = False
    try:
        yield from chunks
        complete = True
    finally:
        with transaction.atomic():
            audit_record(
                actor=actor,
                verb="platform.export.finished",
                target=actor,
                changes={
                    "kind": kind,
                    "format": format,
                    "rows": counter.count,
                    "complete": complete,
                },
            )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)
