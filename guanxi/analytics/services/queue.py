"""Queueing a refresh for the worker, and the state of the latest one for the analytics page.

A queued refresh is a ``ScoreRefresh`` row in the state "queued" from the moment someone asks for
it, so the page can say so before the worker starts; the worker's task then runs that very row
(``scores_refresh(refresh_id=...)``). One refresh queued or running at a time is enough: a second
request is refused (by a person) or dropped (after an import, when one is already waiting).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.analytics.models import RefreshStage, RefreshStatus, ScoreRefresh
from guanxi.analytics.permissions import AnalyticsPermission
from guanxi.core.errors import ConflictError, PermissionDeniedError
from guanxi.platform.models import Organization
from guanxi.platform.services.audit import audit_record

# A refresh that has not moved for this long is taken as lost (a worker stopped mid-way), so it no
# longer blocks a new one. Stage changes count as movement; the longest stage at a million
# customers takes minutes, not hours.
ABANDONED_AFTER = datetime.timedelta(hours=6)
ACTIVE = (RefreshStatus.QUEUED, RefreshStatus.RUNNING)


def active_refreshes(org_id: int) -> Any:
    cutoff = timezone.now() - ABANDONED_AFTER
    return ScoreRefresh.objects.filter(org_id=org_id, status__in=ACTIVE, updated_at__gte=cutoff)


def latest_refresh_attempt(org_id: int) -> ScoreRefresh | None:
    """The newest refresh in any state: what the page's status line describes."""
    return ScoreRefresh.objects.filter(org_id=org_id).order_by("-id").first()


def is_active(refresh: ScoreRefresh | None) -> bool:
    return bool(
        refresh is not None
        and refresh.status in ACTIVE
        and refresh.updated_at >= timezone.now() - ABANDONED_AFTER
    )


def _enqueue_on_commit(refresh: ScoreRefresh, as_of: datetime.date | None) -> None:
    from guanxi.analytics.tasks import refresh_customer_scores

    org_id, refresh_id = refresh.org_id, refresh.pk
    day = as_of.isoformat() if as_of else None
    transaction.on_commit(
        lambda: refresh_customer_scores.enqueue(org_id, day, refresh_id=refresh_id)
    )


def score_refresh_queue(
    *,
    actor: Any,
    org_id: int | None = None,
    as_of: datetime.date | None = None,
    when_busy: str = "refuse",
) -> ScoreRefresh | None:
    """Queue a refresh of the organisation's scores; the task runs once the transaction commits.

    ``actor`` None is the system (after an order import). ``when_busy``: "refuse" raises a
    ConflictError while one is queued or running (a person pressed the button twice);
    "skip_if_queued" returns None when one is already waiting (it will read the new orders too)
    but queues one behind a running refresh, which may have read the orders before they came.
    """
    if actor is not None and not actor.has_role_permission(AnalyticsPermission.REFRESH_ANALYTICS):
        raise PermissionDeniedError(_("You may not recompute customer scores."))
    org_id = org_id if org_id is not None else actor.org_id
    with transaction.atomic():
        # One queueing at a time per organisation: the check and the insert cannot interleave.
        Organization.objects.select_for_update().filter(pk=org_id).first()
        busy = active_refreshes(org_id)
        if when_busy == "refuse" and busy.exists():
            raise ConflictError(
                _(
                    "A refresh is already queued or running. Wait until it has finished; the "
                    "page updates by itself."
                )
            )
        if when_busy == "skip_if_queued" and busy.filter(status=RefreshStatus.QUEUED).exists():
            return None
        refresh = ScoreRefresh.objects.create(
            org_id=org_id,
            actor=actor,
            as_of=as_of or timezone.localdate(),
            status=RefreshStatus.QUEUED,
        )
        audit_record(
            actor=actor,
            verb="analytics.scores.refresh_queued",
            target=refresh,
            changes={"as_of": as_of.isoformat() if as_of else None},
        )
        _enqueue_on_commit(refresh, as_of)
    return refresh


def refresh_start(
    *, org_id: int, actor: Any, as_of: datetime.date, refresh_id: int | None
) -> ScoreRefresh:
    """The row a starting refresh writes to: the queued one it was asked to run, else a new one."""
    if refresh_id is not None:
        taken = ScoreRefresh.objects.filter(
            pk=refresh_id, org_id=org_id, status=RefreshStatus.QUEUED
        ).update(status=RefreshStatus.RUNNING, as_of=as_of, updated_at=timezone.now())
        if taken:
            return ScoreRefresh.objects.get(pk=refresh_id)
    return ScoreRefresh.objects.create(org_id=org_id, actor=actor, as_of=as_of)


def stage_recorder(refresh: ScoreRefresh, progress: Any) -> Any:
    """Wrap a progress callback so that each stage boundary is also stored on the refresh."""
    stages = set(RefreshStage.values)

    def report(stage: str, done: int, total: int) -> None:
        if stage in stages and stage != refresh.stage:
            refresh.stage = stage
            refresh.save(update_fields=["stage", "updated_at"])
        progress(stage, done, total)

    return report


def refresh_after_order_import(import_id: int) -> None:
    """Registered with ``commerce.hooks``: new orders change scores, so a refresh follows.

    Queued by the system (not the importer, who may lack the permission to refresh), at most one
    waiting at a time, and only once the import's transaction has committed.
    """
    from guanxi.commerce.models import OrderImport

    org_id = OrderImport.objects.filter(pk=import_id).values_list("org_id", flat=True).first()
    if org_id is not None:
        transaction.on_commit(
            lambda: score_refresh_queue(actor=None, org_id=org_id, when_busy="skip_if_queued")
        )
