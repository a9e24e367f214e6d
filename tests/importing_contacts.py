"""Helpers for the customer importer tests: run chunks as the import framework does (contacts
unless ``kind`` says otherwise)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guanxi.platform.imports.registry import ChunkContext, ChunkResult, importer_for
from guanxi.platform.models import ImportBatch, ImportChange


def cells(row: dict[str, Any]) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [value] for key, value in row.items()}


def run(
    actor: Any,
    rows: list[dict[str, Any]],
    *,
    on_match: str = "update",
    dry_run: bool = False,
    batch: ImportBatch | None = None,
    options: dict[str, Any] | None = None,
    first_row: int = 2,
    kind: str = "contacts",
) -> ChunkResult:
    """One chunk in its own transaction; with ``batch``, the changes are kept as the runner
    keeps them (ImportChange rows in the same transaction)."""
    importer = importer_for(kind)
    assert importer is not None
    context = ChunkContext(
        actor=actor,
        on_match=on_match,
        dry_run=dry_run,
        options=options or {},
        source="test.csv",
        batch_id=batch.pk if batch else None,
    )
    numbered = [(first_row + i, cells(row)) for i, row in enumerate(rows)]
    with transaction.atomic():
        result = importer.write_chunk(context, numbered)
        if batch is not None:
            ImportChange.objects.bulk_create(
                ImportChange(
                    batch=batch,
                    target_type=c.target_type,
                    target_id=c.target_id,
                    action=c.action,
                    before=c.before,
                    after=c.after,
                )
                for c in result.changes
            )
    return result


def new_batch(actor: Any, kind: str = "contacts") -> ImportBatch:
    return ImportBatch.objects.create(
        org_id=actor.org_id, actor=actor, kind=kind, file_name="test.csv"
    )


def undo(actor: Any, batch: ImportBatch) -> dict[str, int]:
    importer = importer_for(batch.kind)
    assert importer is not None
    with transaction.atomic():
        return importer.undo(actor, list(batch.changes.order_by("pk")))


def errors(result: ChunkResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]
