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


def audit_record(
    *,
    actor: Any,
    verb: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    subject: models.Model | None = None,
    org_id: int | None = None,
) -> AuditEvent:
    subject = subject if subject is not None else target
    return AuditEvent.objects.create(
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
