from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet

from guanxi.platform.models import AuditEvent, User
from guanxi.platform.roles import Role


def active_users(org_id: int | None) -> QuerySet[User]:
    """People who can own records in an organisation, for owner pickers and filters."""
    return User.objects.filter(org_id=org_id, is_active=True).order_by("username")


def audit_events_visible_to(user: Any, *, verb_prefix: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(org_id=user.org_id).select_related("actor")
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
