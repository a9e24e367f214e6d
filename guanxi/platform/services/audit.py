"""Writing audit events. Every service calls :func:`audit_record` inside its transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from guanxi.platform.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields that changed, as ``{field: {"before": x, "after": y}}``."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in after
        if before.get(key) != after.get(key)
    }


def audit_event(
    *,
    actor: Any,
    verb: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    subject: models.Model | None = None,
    org_id: int | None = None,
) -> AuditEvent:
    """An audit row, not yet saved: the one way every writer (single or bulk) builds them."""
    subject = subject if subject is not None else target
    return AuditEvent(
        org_id=org_id if org_id is not None else getattr(target, "org_id", None),
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_label=str(target)[:200],
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        changes=dict(changes or {}),
    )


def audit_record(
    *,
    actor: Any,
    verb: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    subject: models.Model | None = None,
    org_id: int | None = None,
) -> AuditEvent:
    event = audit_event(
        actor=actor, verb=verb, target=target, changes=changes, subject=subject, org_id=org_id
    )
    event.save()
    return event


AUDIT_BATCH = 2000


def audit_bulk(events: Iterable[AuditEvent]) -> int:
    """Save many audit rows built by :func:`audit_event` in batches (imports, purges)."""
    saved = 0
    batch: list[AuditEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) == AUDIT_BATCH:
            AuditEvent.objects.bulk_create(batch)
            saved += len(batch)
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)
        saved += len(batch)
    return saved
