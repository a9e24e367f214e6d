"""The background job that runs an import (``guanxi worker``), queued once the batch is stored."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from guanxi.platform.imports.runner import import_run
from guanxi.platform.models import ImportBatch


@task()
def run_import(batch_id: int) -> str:
    """Idempotent: a batch resumes after its last committed chunk, and an ended one is left
    alone, so a task that runs twice (a retry, a second worker) writes each row once."""
    return import_run(batch_id).status


def enqueue_import(batch: ImportBatch) -> None:
    """Queue the run when the caller's transaction commits (the worker must see the batch)."""
    batch_id = batch.pk
    transaction.on_commit(lambda: run_import.enqueue(batch_id))
