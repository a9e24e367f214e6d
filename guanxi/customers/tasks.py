"""Background tasks of the customers app (run by ``guanxi worker``)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from guanxi.customers.services.purge import customers_purge_deleted
from guanxi.platform.imports.runner import import_files_purge
from guanxi.platform.models import User


@task()
def purge_deleted_customers(days: int | None = None, actor_id: int | None = None) -> dict[str, Any]:
    """Idempotent: removes only what is past the window, so it can run as often as liked.

    ``actor_id`` is who asked (``guanxi purge_deleted --enqueue``); the daily run has none.
    """
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    totals = customers_purge_deleted(actor=actor, days=days)
    # Uploaded import files past the undo window go with the same daily run.
    return {**totals, "import_files": import_files_purge()}


def enqueue_daily_purge() -> None:
    purge_deleted_customers.enqueue()
