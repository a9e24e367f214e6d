from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet

from guanxi.platform.audit_visibility import audit_visibility_filter, hidden_targets
from guanxi.platform.models import AuditEvent, RecordCollaborator, Team, User
from guanxi.platform.roles import Role


def active_users(org_id: int | None) -> QuerySet[User]:
    """People who can own records in an organisation, for owner pickers and filters."""
    return User.objects.filter(org_id=org_id, is_active=True).order_by("username")


def audit_events_visible_to(user: Any, *, verb_prefix: str = "") -> QuerySet[AuditEvent]:
    """Audit rows of the user's organisation whose subject the user may see, naming no record
    hidden from the user."""
    events = (
        AuditEvent.objects.filter(audit_visibility_filter(user))
        .exclude(hidden_targets(user))
        .select_related("actor")
    )
    if verb_prefix:
        events = events.filter(verb__startswith=verb_prefix)
    return events


def _first_administrator(users: QuerySet[User]) -> User | None:
    administrators = users.filter(models.Q(is_superuser=True) | models.Q(role=Role.ADMINISTRATOR))
    return administrators.order_by("id").first()


def command_actor(username: str | None) -> User:
    """Who a command-line job acts as: the user named, else the first active administrator."""
    from django.core.management.base import CommandError

    users = User.objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        return user
    user = _first_administrator(users)
    if user is None:
        raise CommandError("No administrator exists yet: run `guanxi setup` or pass --as USER.")
    return user


def system_actor(org_id: int) -> User:
    """The administrator that background jobs act as when no person started them."""
    user = _first_administrator(User.objects.filter(org_id=org_id, is_active=True))
    if user is None:
        raise LookupError("The organisation has no active administrator.")
    return user


def colleagues(user: Any) -> QuerySet[User]:
    """Everyone in the user's organisation (active or not), with their team."""
    return User.objects.filter(org_id=user.org_id).select_related("team")


def teams_of(user: Any) -> QuerySet[Team]:
    return (
        Team.objects.filter(org_id=user.org_id)
        .prefetch_related(
            models.Prefetch("managers", queryset=User.objects.order_by("username")),
            models.Prefetch("members", queryset=User.objects.order_by("username")),
        )
        .order_by("name")
    )


def collaborators_of(record: Any) -> QuerySet[RecordCollaborator]:
    """The colleagues added to one record, current ones and those whose end date has passed."""
    return (
        RecordCollaborator.objects.filter(record_type=record._meta.label_lower, record_id=record.pk)
        .select_related("user")
        .order_by("user__username")
    )
