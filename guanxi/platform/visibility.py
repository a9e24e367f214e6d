"""Record visibility, shared by every domain that has owned records.

A record has an owner, the owner's team and a visibility level. Everyone sees records shared with
the whole organisation; team records are seen by the team and by the managers of that team;
private records by their owner and the owner's managers. Administrators see everything in their
organisation. Domains call :func:`visible_filter` for lists and :func:`can_see` for one object,
so the rule lives here once.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    OWNER = "owner", _("Owner only")
    TEAM = "team", _("Team")
    ORGANIZATION = "org", _("Whole organisation")


class OwnedRecord(Protocol):
    org_id: Any
    owner_id: Any
    team_id: Any
    visibility: str


def managed_team_ids(user: Any) -> set[int]:
    cached = getattr(user, "_guanxi_managed_team_ids", None)
    if cached is None:
        cached = set(user.managed_teams.values_list("pk", flat=True))
        user._guanxi_managed_team_ids = cached
    return cached


def visible_filter(user: Any) -> Q:
    """The Q that limits a queryset of owned records to what ``user`` may see."""
    if not user.is_authenticated or not user.is_active or user.org_id is None:
        return Q(pk__in=[])
    in_org = Q(org_id=user.org_id)
    if user.is_administrator:
        return in_org
    seen = Q(visibility=Visibility.ORGANIZATION) | Q(owner_id=user.pk)
    if user.team_id is not None:
        seen |= Q(visibility=Visibility.TEAM, team_id=user.team_id)
    managed = managed_team_ids(user)
    if managed:
        seen |= Q(team_id__in=managed)
    return in_org & seen


def can_see(user: Any, record: OwnedRecord) -> bool:
    if not user.is_authenticated or not user.is_active or record.org_id != user.org_id:
        return False
    if user.is_administrator or record.owner_id == user.pk:
        return True
    if record.visibility == Visibility.ORGANIZATION:
        return True
    if record.team_id is not None and record.team_id in managed_team_ids(user):
        return True
    return record.visibility == Visibility.TEAM and record.team_id == user.team_id


def can_manage(user: Any, record: OwnedRecord) -> bool:
    """Owner, the owner's managers and administrators may delete or hand over a record."""
    if not can_see(user, record):
        return False
    return (
        user.is_administrator
        or record.owner_id == user.pk
        or (record.team_id is not None and record.team_id in managed_team_ids(user))
    )
