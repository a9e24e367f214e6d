from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from guanxi.platform.models import AuditEvent


def audit_events_visible_to(user: Any, *, verb_prefix: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(org_id=user.org_id).select_related("actor")
    if verb_prefix:
        events = events.filter(verb__startswith=verb_prefix)
    return events
