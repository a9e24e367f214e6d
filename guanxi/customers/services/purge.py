"""Removing soft-deleted customers for good once their restore window has passed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guanxi.customers.models import Account, Contact
from guanxi.platform.models import AuditEvent

PURGE_BATCH = 1000


def customers_purge_deleted(*, actor: Any = None, now: Any = None) -> dict[str, int]:
    """Delete accounts and contacts deleted more than the restore window ago.

    Works in batches, each in its own transaction with one audit event per removed record, so a
    purge of many records never holds a long lock and can simply be run again after a failure.
    Their audit history stays; their activities go with them.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.GUANXI_SOFT_DELETE_DAYS)
    removed = {"contacts": 0, "accounts": 0}
    for key, model in (("contacts", Contact), ("accounts", Account)):
        while True:
            with transaction.atomic():
                batch = list(
                    model.objects.select_for_update()
                    .filter(deleted_at__lt=cutoff)
                    .order_by("pk")
                    .values("pk", "org_id", "name")[:PURGE_BATCH]
                )
                if not batch:
                    break
                label = model._meta.label_lower
                AuditEvent.objects.bulk_create(
                    AuditEvent(
                        org_id=row["org_id"],
                        actor=actor if getattr(actor, "pk", None) else None,
                        verb=f"{label}.purged",
                        target_type=label,
                        target_id=row["pk"],
                        target_label=row["name"][:200],
                        subject_type=label,
                        subject_id=row["pk"],
                    )
                    for row in batch
                )
                model.objects.filter(pk__in=[row["pk"] for row in batch]).delete()
                removed[key] += len(batch)
    return removed
