"""Running an import batch: start, run in chunks, cancel, resume and undo.

Each chunk is one transaction that writes the chunk's records, their ``ImportChange`` rows and the
batch's new counts together, so the batch row always tells the truth about what is stored: a
crash or a cancel leaves whole chunks only, and running again starts after ``last_row``. The
chunk begins by writing the batch row (SQLite's write lock is taken there, before any read) and
on PostgreSQL by locking the organisation's row, so the chunks of two imports of one file run one
after the other and the second sees what the first wrote: each record is created once.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.bulk import insert_rows
from guanxi.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from guanxi.platform.imports import formats
from guanxi.platform.imports import mapping as mappings
from guanxi.platform.imports.registry import (
    ChunkContext,
    ChunkResult,
    Importer,
    MappedRow,
    RowError,
    importer_for,
)
from guanxi.platform.imports.storage import (
    imports_dir,
    relative_to_data_dir,
    remove_stored,
    safe_extension,
    store_copy,
    stored_path,
)
from guanxi.platform.imports.values import looks_like_formula
from guanxi.platform.models import ImportBatch, ImportChange, Organization
from guanxi.platform.models.imports import BatchStatus, OnMatch
from guanxi.platform.services.audit import audit_record

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
# A dry run of a file up to this size is one chunk, so that a record named twice in the file
# counts exactly as the real run will count it (created once, then updated); bigger files are
# checked chunk by chunk, where each chunk sees only what is stored (see docs/imports.md).
DRY_RUN_WHOLE_FILE_ROWS = 10_000
KEPT_ERRORS = 1000
# A batch "running" that has not moved for this long lost its worker (a crash, a killed process).
STALLED_AFTER = datetime.timedelta(minutes=10)
ENDED = (BatchStatus.FINISHED, BatchStatus.CANCELLED, BatchStatus.UNDONE)
UNDOABLE = (BatchStatus.FINISHED, BatchStatus.CANCELLED, BatchStatus.FAILED)

Progress = Callable[[int, int | None, float], None]


def undo_days() -> int:
    return int(getattr(settings, "GUANXI_IMPORT_UNDO_DAYS", 30))


def importer_of(kind: str) -> Importer:
    importer = importer_for(kind)
    if importer is None:
        raise NotFoundError(_("Nothing called “%(kind)s” can be imported.") % {"kind": kind})
    return importer


def may_manage_batch(actor: Any, batch: ImportBatch) -> bool:
    """The person who imported, or an administrator of the organisation."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.org_id != batch.org_id:
        return False
    return actor.pk == batch.actor_id or bool(actor.is_administrator)


def _check_manage(actor: Any, batch: ImportBatch) -> None:
    if not may_manage_batch(actor, batch):
        raise PermissionDeniedError(_("Only the person who imported or an administrator may."))


def is_stalled(batch: ImportBatch) -> bool:
    return (
        batch.status == BatchStatus.RUNNING
        and batch.updated_at is not None
        and batch.updated_at < timezone.now() - STALLED_AFTER
    )


def _audit(actor: Any, verb: str, batch: ImportBatch, **changes: Any) -> None:
    audit_record(actor=actor, verb=verb, target=batch, changes=changes)


def _counts(batch: ImportBatch) -> dict[str, int]:
    return {
        "rows": batch.rows_done,
        "created": batch.created,
        "updated": batch.updated,
        "skipped": batch.skipped,
        "refused": batch.refused,
    }


# --- start -----------------------------------------------------------------------------------


def resolve_mapping(
    *,
    actor: Any,
    importer: Importer,
    columns: list[str],
    mapping: dict[str, str] | None,
    template: str | None,
) -> dict[str, str]:
    """The given mapping, else the named template's, else the proposal from the headers."""
    if mapping is not None:
        return dict(mapping)
    if template:
        from guanxi.platform.services.mapping_templates import mapping_template_get

        return dict(mapping_template_get(actor, importer.kind, template).mapping)
    return dict(mappings.propose_mapping(columns, importer.fields(actor)))


def import_start(
    *,
    actor: Any,
    kind: str,
    path_or_stream: str | Path | IO[bytes] | Any,
    file_name: str,
    mapping: dict[str, str] | None = None,
    template: str | None = None,
    sheet: str | None = None,
    on_match: str = OnMatch.UPDATE,
    dry_run: bool = False,
    options: dict[str, Any] | None = None,
    max_bytes: int | None = None,
) -> ImportBatch:
    """Keep a copy of the file, read its header and size, settle the mapping; nothing is imported
    yet (``import_run`` does it, in the worker or the command). A file that cannot be read or a
    mapping that cannot work raises with the reason, and leaves no batch and no file behind."""
    importer = importer_of(kind)
    importer.check_permission(actor)
    if on_match not in OnMatch.values:
        from guanxi.core.errors import ServiceValidationError

        raise ServiceValidationError.for_field(
            "on_match", _("Choose create, update or skip for rows that match a record.")
        )
    public_id = uuid.uuid4()
    target = imports_dir() / f"{public_id}{safe_extension(file_name)}"
    digest = store_copy(path_or_stream, target, max_bytes=max_bytes)
    try:
        with target.open("rb") as stream:
            source = formats.open_source(
                stream, name=file_name, sheet=sheet or None, count_rows=True, max_bytes=max_bytes
            )
            columns = list(source.columns)
            chosen = resolve_mapping(
                actor=actor, importer=importer, columns=columns, mapping=mapping, template=template
            )
            chosen = mappings.check_mapping(
                columns, chosen, importer.fields(actor), importer.required_fields()
            )
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                public_id=public_id,
                org_id=actor.org_id,
                actor=actor,
                kind=kind,
                file_name=file_name[:200],
                stored_file=relative_to_data_dir(target),
                file_digest=digest,
                sheet=(source.sheet or "")[:100],
                mapping=chosen,
                on_match=on_match,
                options=dict(options or {}),
                dry_run=dry_run,
                rows_total=source.total_rows,
            )
            _audit(
                actor,
                "platform.import.started",
                batch,
                kind=kind,
                file=batch.file_name,
                dry_run=dry_run,
                rows=source.total_rows,
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return batch


# --- run -------------------------------------------------------------------------------------


@dataclass
class _Run:
    batch: ImportBatch
    importer: Importer
    context: ChunkContext
    mapper: Callable[[list[str]], MappedRow]
    mapped_columns: list[tuple[int, str]]
    progress: Progress | None


def _claim(batch_id: int) -> ImportBatch | None:
    """Mark the batch running; None when there is nothing to run (ended, or cancelled first)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status in ENDED:
            return None
        if batch.cancel_requested:
            _end(batch, BatchStatus.CANCELLED, "platform.import.cancelled")
            return None
        batch.status = BatchStatus.RUNNING
        batch.started_at = batch.started_at or timezone.now()
        batch.message = ""
        batch.save(update_fields=["status", "started_at", "message", "updated_at"])
    return batch


def _end(batch: ImportBatch, status: str, verb: str, message: str = "") -> None:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.message = message[:500]
    batch.save(update_fields=["status", "finished_at", "message", "updated_at"])
    extra = {"message": batch.message} if message else {}
    _audit(batch.actor, verb, batch, **_counts(batch), **extra)


def _formula_errors(run: _Run, rows: Sequence[tuple[int, list[str]]]) -> list[RowError]:
    """A cell a spreadsheet would run (``=CMD(...)``) refuses its row: stored, it would run in
    the spreadsheet of whoever exports it later."""
    errors = []
    for number, cells in rows:
        for index, column in run.mapped_columns:
            value = cells[index] if index < len(cells) else ""
            if looks_like_formula(value):
                errors.append(
                    RowError(
                        number,
                        column,
                        _(
                            "The cell starts like a spreadsheet formula (“%(start)s”); formulas "
                            "are not imported. Remove the leading sign or type the value itself."
                        )
                        % {"start": value[:20]},
                    )
                )
                break
    return errors


def _one_per_row(errors: Iterable[RowError]) -> list[RowError]:
    first: dict[int, RowError] = {}
    for error in errors:
        first.setdefault(error.row, error)
    return [first[row] for row in sorted(first)]


def _lock_for_chunk(batch: ImportBatch) -> ImportBatch:
    # The write comes first: on SQLite it takes the database's write lock before anything is read.
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now())
    if connection.vendor == "postgresql":
        Organization.objects.select_for_update().filter(pk=batch.org_id).values_list("pk").first()
    return ImportBatch.objects.select_for_update().get(pk=batch.pk)


def _write(run: _Run, rows: list[tuple[int, list[str]]]) -> tuple[ChunkResult, list[RowError]]:
    refused = _formula_errors(run, rows)
    refused_rows = {error.row for error in refused}
    mapped = [(number, run.mapper(cells)) for number, cells in rows if number not in refused_rows]
    if not mapped:
        return ChunkResult(), refused
    if run.batch.dry_run:
        savepoint = transaction.savepoint_create()
        try:
            result = run.importer.write_chunk(run.context, mapped)
        finally:
            transaction.savepoint_rollback(savepoint)
        return result, refused
    result = run.importer.write_chunk(run.context, mapped)
    # One bulk insert (COPY on PostgreSQL): a chunk of 2,000 new contacts is 2,000 changes.
    insert_rows(
        ImportChange,
        ("batch_id", "target_type", "target_id", "action", "before", "after"),
        (
            (
                run.batch.pk,
                change.target_type,
                change.target_id,
                change.action,
                _json_or_null(change.before),
                _json_or_null(change.after),
            )
            for change in result.changes
        ),
    )
    return result, refused


def _json_or_null(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _run_chunk(run: _Run, chunk: list[tuple[int, list[str]]], started: float) -> bool:
    """Write one chunk and the batch's figures in one transaction; False when the run must stop
    (cancel requested, or the batch ended elsewhere)."""
    with transaction.atomic():
        batch = _lock_for_chunk(run.batch)
        if batch.status != BatchStatus.RUNNING:
            run.batch = batch
            return False
        if batch.cancel_requested:
            _end(batch, BatchStatus.CANCELLED, "platform.import.cancelled")
            run.batch = batch
            return False
        # Another runner of this very batch (a retried task) may have written some of these rows.
        rows = [(number, cells) for number, cells in chunk if number > batch.last_row]
        if rows:
            result, refused = _write(run, rows)
            errors = _one_per_row([*refused, *result.errors])
            batch.created += result.created
            batch.updated += result.updated
            batch.skipped += result.skipped
            batch.refused += len(errors)
            room = KEPT_ERRORS - len(batch.errors)
            if room > 0:
                batch.errors = [
                    *batch.errors,
                    *(
                        {"row": e.row, "column": e.column, "message": str(e.message)}
                        for e in errors[:room]
                    ),
                ]
            if batch.dry_run and len(batch.preview) < PREVIEW_ROWS:
                batch.preview = [*batch.preview, *result.preview][:PREVIEW_ROWS]
            batch.rows_done += len(rows)
            batch.last_row = rows[-1][0]
        batch.seconds += time.monotonic() - started
        batch.save()
    run.batch = batch
    if run.progress is not None:
        run.progress(batch.rows_done, batch.rows_total, batch.rows_per_second)
    return True


def _prepare(batch: ImportBatch, source: Any, progress: Progress | None) -> _Run:
    importer = importer_of(batch.kind)
    columns = list(source.columns)
    return _Run(
        batch=batch,
        importer=importer,
        context=ChunkContext(
            actor=batch.actor,
            on_match=batch.on_match,
            dry_run=batch.dry_run,
            options=dict(batch.options),
            source=batch.file_name,
            batch_id=batch.pk,
        ),
        mapper=mappings.apply_mapping(columns, batch.mapping),
        mapped_columns=[(i, c) for i, c in enumerate(columns) if batch.mapping.get(c)],
        progress=progress,
    )


def _chunks(
    rows: Iterable[tuple[int, list[str]]], after: int, size: int
) -> Iterable[list[tuple[int, list[str]]]]:
    chunk: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if number <= after:
            continue
        chunk.append((number, cells))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _finish(run: _Run) -> None:
    stored = ""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=run.batch.pk)
        run.batch = batch
        if batch.status != BatchStatus.RUNNING:
            return
        if batch.cancel_requested:
            _end(batch, BatchStatus.CANCELLED, "platform.import.cancelled")
            return
        _end(batch, BatchStatus.FINISHED, "platform.import.finished")
        if not batch.dry_run:
            # A finished import no longer needs its file; a dry run keeps it for the real one.
            stored, batch.stored_file = batch.stored_file, ""
            batch.save(update_fields=["stored_file"])
    remove_stored(stored)


def _fail(batch_id: int, message: str) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == BatchStatus.RUNNING:
            _end(batch, BatchStatus.FAILED, "platform.import.failed", message)
    return batch


def import_run(
    batch_id: int, *, progress: Progress | None = None, chunk_size: int = 2000
) -> ImportBatch:
    """Run the batch, or resume it after ``last_row``; safe to call again at any time.

    A file that can no longer be read ends the batch as failed with the reason. Any other error
    (a bug, the database gone) also marks it failed, then propagates: whole chunks stay written,
    and running again continues after them.
    """
    from guanxi.core.errors import GuanxiError

    batch = _claim(batch_id)
    if batch is None:
        return ImportBatch.objects.get(pk=batch_id)
    if batch.dry_run and (batch.rows_total or 0) <= DRY_RUN_WHOLE_FILE_ROWS:
        chunk_size = max(chunk_size, batch.rows_total or 0)
    started = time.monotonic()
    try:
        path = stored_path(batch.stored_file) if batch.stored_file else None
        if path is None or not path.is_file():
            return _fail(batch_id, _("The uploaded file is no longer there; upload it again."))
        with path.open("rb") as stream:
            source = formats.open_source(
                stream, name=batch.file_name, sheet=batch.sheet or None, count_rows=False
            )
            run = _prepare(batch, source, progress)
            for chunk in _chunks(source.rows, batch.last_row, chunk_size):
                if not _run_chunk(run, chunk, started):
                    return run.batch
                started = time.monotonic()
        _finish(run)
        return run.batch
    except GuanxiError as error:
        return _fail(batch_id, error.message)
    except BaseException:
        logger.exception("Import batch %s failed", batch_id)
        _fail(batch_id, _("The import stopped because of an internal error; run it again."))
        raise


# --- cancel, resume, undo --------------------------------------------------------------------


def import_cancel(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """A waiting batch ends at once; a running one stops after its current chunk, which stays."""
    _check_manage(actor, batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == BatchStatus.QUEUED:
            _end(batch, BatchStatus.CANCELLED, "platform.import.cancelled")
            return batch
        if batch.status != BatchStatus.RUNNING:
            raise ConflictError(_("This import is not running, so there is nothing to cancel."))
        batch.cancel_requested = True
        batch.save(update_fields=["cancel_requested", "updated_at"])
        if is_stalled(batch):
            _end(batch, BatchStatus.CANCELLED, "platform.import.cancelled")
    return batch


def can_resume(batch: ImportBatch) -> bool:
    return batch.stored_file != "" and (
        batch.status in (BatchStatus.CANCELLED, BatchStatus.FAILED) or is_stalled(batch)
    )


def import_resume(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Queue a cancelled, failed or stalled batch again; it continues after its last chunk.
    The caller runs it (``import_run``) or enqueues it (``tasks.enqueue_import``)."""
    _check_manage(actor, batch)
    importer_of(batch.kind).check_permission(actor)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not can_resume(batch):
            raise ConflictError(_("Only a cancelled, failed or stalled import can be resumed."))
        batch.status = BatchStatus.QUEUED
        batch.cancel_requested = False
        batch.finished_at = None
        batch.message = ""
        batch.save(
            update_fields=["status", "cancel_requested", "finished_at", "message", "updated_at"]
        )
        _audit(actor, "platform.import.resumed", batch, after_row=batch.last_row)
    return batch


def undo_refusal(batch: ImportBatch) -> str | None:
    """Why this batch cannot be undone now, in words; None when it can."""
    if batch.dry_run:
        return _("A dry run wrote nothing, so there is nothing to undo.")
    if batch.status == BatchStatus.UNDONE:
        return _("This import has already been undone.")
    if batch.status not in UNDOABLE and not is_stalled(batch):
        return _("This import is still running: cancel it first, then undo it.")
    ended = batch.finished_at or batch.created_at
    if ended < timezone.now() - datetime.timedelta(days=undo_days()):
        return _("An import can be undone for %(days)s days; this one is older.") % {
            "days": undo_days()
        }
    return None


def import_undo(*, actor: Any, batch: ImportBatch) -> dict[str, int]:
    """Take back everything the batch wrote, in one transaction: records it created are removed,
    records it updated get their earlier values back. Returns the importer's counts."""
    _check_manage(actor, batch)
    importer = importer_of(batch.kind)
    importer.check_permission(actor)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refusal = undo_refusal(batch)
        if refusal:
            raise ConflictError(refusal)
        changes: Any = batch.changes.order_by("pk")
        counts = dict(importer.undo(actor, changes))
        batch.status = BatchStatus.UNDONE
        batch.undone_at = timezone.now()
        batch.save(update_fields=["status", "undone_at", "updated_at"])
        _audit(actor, "platform.import.undone", batch, **counts)
    return counts


def import_files_purge() -> int:
    """Remove the uploaded files that batches kept (dry runs waiting for the real import, failed
    and cancelled imports waiting to resume) once the batch is past the undo window: customer
    data does not stay on the server's disk longer than the import needs it. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(days=undo_days())
    removed = 0
    old = (
        ImportBatch.objects.exclude(stored_file="")
        .exclude(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING])
        .filter(created_at__lt=cutoff)
    )
    for pk in old.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=pk)
            stored, batch.stored_file = batch.stored_file, ""
            batch.save(update_fields=["stored_file"])
        remove_stored(stored)
        removed += 1
    return removed
