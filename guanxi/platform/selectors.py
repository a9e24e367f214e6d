from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from guanxi.platform.models import AuditEvent, User


def active_users(org_id: int | None) -> QuerySet[User]:
    """People who can own records in an organisation, for owner pickers and filters."""
    return User.objects.filter(org_id=org_id, is_active=True).order_by("username")


def audit_events_visible_to(user: Any, *, verb_prefix: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(org_id=user.org_id).select_related("actor")
    if verb_prefix:
        events = events.filter(verb__startswith=verb_prefix)
    return events
