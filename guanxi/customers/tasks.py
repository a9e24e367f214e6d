"""Background tasks of the customers app (run by ``guanxi worker``)."""

from __future__ import annotations

from django.tasks import task

from guanxi.customers.services.purge import customers_purge_deleted


@task()
def purge_deleted_customers() -> dict[str, int]:
    """Idempotent: removes only what is past the restore window, so it can run as often as liked."""
    return customers_purge_deleted()


def enqueue_daily_purge() -> None:
    purge_deleted_customers.enqueue()
