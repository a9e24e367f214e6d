"""Background refresh of customer scores (run by ``guanxi worker``; schedule it nightly)."""

from __future__ import annotations

from django.tasks import task

from guanxi.analytics.models import RefreshStatus, ScoreRefresh
from guanxi.analytics.services.refresh import scores_refresh


@task()
def refresh_customer_scores(
    org_id: int, as_of: str | None = None, *, refresh_id: int | None = None
) -> int:
    """Idempotent: a refresh replaces all scores, so running it twice gives the same result.

    ``refresh_id`` names the queued refresh row to run (``score_refresh_queue``); a task whose
    row has already run (or been taken by another worker) does nothing.
    """
    import datetime

    if (
        refresh_id is not None
        and not ScoreRefresh.objects.filter(pk=refresh_id, status=RefreshStatus.QUEUED).exists()
    ):
        return refresh_id
    refresh = scores_refresh(
        actor=None,
        org_id=org_id,
        as_of=datetime.date.fromisoformat(as_of) if as_of else None,
        refresh_id=refresh_id,
    )
    return refresh.pk


def enqueue_nightly_refresh() -> None:
    """The daily job: one refresh per organisation, as of today."""
    from guanxi.platform.models import Organization

    for org_id in Organization.objects.values_list("pk", flat=True):
        refresh_customer_scores.enqueue(org_id)
