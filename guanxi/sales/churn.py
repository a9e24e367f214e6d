"""Broken promises as a churn signal: analytics asks, through the customers' registry, which of
the customers it scores had a promise broken lately."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Count
from django.utils import timezone

from guanxi.customers.churn_signals import register_churn_signal
from guanxi.sales.models import Commitment, CommitmentStatus

RECENT = datetime.timedelta(days=90)


def broken_promises(org_id: int, contact_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        Commitment.objects.filter(
            org_id=org_id,
            contact_id__in=list(contact_ids),
            status=CommitmentStatus.BROKEN,
            closed_at__gte=timezone.now() - RECENT,
            deleted_at__isnull=True,
        )
        .values("contact_id")
        .annotate(count=Count("pk"))
    )
    return {row["contact_id"]: [{"code": "broken_promises", "count": row["count"]}] for row in rows}


def register() -> None:
    register_churn_signal("sales.broken_promises", broken_promises)
