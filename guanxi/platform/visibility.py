"""Record visibility and write access, shared by every domain that has owned records.

One rule, in one place (lists use :func:`visible_filter`, single records :func:`can_see`,
:func:`can_edit` and :func:`can_manage`):

- administrators see and change everything in their organisation;
- the owner and the managers of the owner's team always see, change and manage a record;
- the owner's team sees and changes the record unless it is marked "owner only";
- the rest of the organisation follows the organisation's sharing setting for records marked
  "organisation": private (nothing), read-only (the default) or read and write;
- collaborators added to a record see it, and change it when given write access, until their
  end date; a collaborator on a parent record (an account) who was given its child records also
  sees the children (the account's contacts);
- a record its model withholds (``withheld_while`` names a field, e.g. a customer waiting in the
  sales pool) is seen by administrators only, whoever owns it: until a rep claims it, the
  domain that withheld it shows what it chooses (a masked pool list), and nothing else does.

Only :func:`can_manage` (owner, the owner's team managers, administrators) may change a record's
owner or visibility, delete it or hand it over: write access is not enough, so nobody can take a
colleague's customer by editing it.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    OWNER = "owner", _("Owner only")
    TEAM = "team", _("Team")
    ORGANIZATION = "org", _("Whole organisation")


class OrganizationSharing(models.TextChoices):
    """What colleagues outside the owner's team get of records shared with the organisation."""

    PRIVATE = "private", _("Private: the owner's team only")
    READ = "read", _("Read-only to the organisation")
    READ_WRITE = "read_write", _("Read and write for the organisation")


class CollaboratorAccess(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class OwnedRecord(Protocol):
    pk: Any
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


def organization_sharing(user: Any) -> str:
    cached = getattr(user, "_guanxi_org_sharing", None)
    if cached is None:
        from guanxi.platform.models import Organization

        cached = (
            Organization.objects.filter(pk=user.org_id)
            .values_list("customer_sharing", flat=True)
            .first()
        ) or OrganizationSharing.READ
        user._guanxi_org_sharing = cached
    return str(cached)


def _has_collaborations(user: Any) -> bool:
    """Most users collaborate on nothing: their lists then keep the plain, index-friendly rule."""
    cached = getattr(user, "_guanxi_has_collaborations", None)
    if cached is None:
        from guanxi.platform.models import RecordCollaborator

        cached = RecordCollaborator.objects.filter(user_id=user.pk).exists()
        user._guanxi_has_collaborations = cached
    return bool(cached)


def forget_cached_access(user: Any) -> None:
    """After a change of teams, sharing or collaborators within one request or test."""
    for name in ("_guanxi_managed_team_ids", "_guanxi_org_sharing", "_guanxi_has_collaborations"):
        if hasattr(user, name):
            delattr(user, name)


def _active_collaborations(user: Any, record_type: str, *, write: bool = False) -> Any:
    from guanxi.platform.models import RecordCollaborator

    rows = RecordCollaborator.objects.filter(user_id=user.pk, record_type=record_type).filter(
        Q(until__isnull=True) | Q(until__gte=timezone.localdate())
    )
    if write:
        rows = rows.filter(access=CollaboratorAccess.WRITE)
    return rows


def collaborator_filter(user: Any, model: type[models.Model], *, write: bool = False) -> Q:
    """Records of ``model`` shared with ``user`` as a collaborator, now (end dates respected).

    Sharing a parent (an account) with its children reaches only the children owned by the
    parent's owner: whoever shares the account manages those, and never opens a colleague's
    private contact at the same company.
    """
    label = model._meta.label_lower
    found = Q(pk__in=_active_collaborations(user, label, write=write).values("record_id"))
    parent = getattr(model, "sharing_parent", None)
    if parent is not None:
        field, parent_label = parent
        children = _active_collaborations(user, parent_label, write=write).filter(
            include_children=True
        )
        found |= Q(**{f"{field}_id__in": children.values("record_id")}) & Q(
            owner_id=F(f"{field}__owner_id")
        )
    return found


def _withheld_field(model: Any) -> str | None:
    return getattr(model, "withheld_while", None)


def _is_withheld(record: Any) -> bool:
    field = _withheld_field(type(record))
    return field is not None and getattr(record, field, None) is not None


def _is_usable(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.org_id)


def _access_filter(user: Any, model: type[models.Model] | None, *, write: bool) -> Q:
    """Reading and writing differ only in what the organisation and collaborators grant."""
    if not _is_usable(user):
        return Q(pk__in=[])
    in_org = Q(org_id=user.org_id)
    if user.is_administrator:
        return in_org
    allowed = Q(owner_id=user.pk)
    if user.team_id is not None:
        allowed |= Q(team_id=user.team_id) & ~Q(visibility=Visibility.OWNER)
    managed = managed_team_ids(user)
    if managed:
        allowed |= Q(team_id__in=managed)
    sharing = organization_sharing(user)
    if sharing == OrganizationSharing.READ_WRITE or (
        not write and sharing != OrganizationSharing.PRIVATE
    ):
        allowed |= Q(visibility=Visibility.ORGANIZATION)
    if model is not None and _has_collaborations(user):
        allowed |= collaborator_filter(user, model, write=write)
    withheld = _withheld_field(model)
    if withheld is not None:
        allowed &= Q(**{f"{withheld}__isnull": True})
    return in_org & allowed


def visible_filter(user: Any, model: type[models.Model] | None = None) -> Q:
    """The Q that limits a queryset of owned records (of ``model``) to what ``user`` may see."""
    return _access_filter(user, model, write=False)


def editable_filter(user: Any, model: type[models.Model]) -> Q:
    """The Q of records of ``model`` that ``user`` may change (the list form of can_edit)."""
    return _access_filter(user, model, write=True)


def _collaborates_on(user: Any, record: OwnedRecord, *, write: bool) -> bool:
    if not _has_collaborations(user):
        return False
    model: Any = type(record)
    return model._default_manager.filter(
        collaborator_filter(user, model, write=write), pk=record.pk
    ).exists()


def _manages(user: Any, record: OwnedRecord) -> bool:
    return bool(
        user.is_administrator
        or record.owner_id == user.pk
        or (record.team_id is not None and record.team_id in managed_team_ids(user))
    )


def _in_owning_team(user: Any, record: OwnedRecord) -> bool:
    return bool(
        record.team_id is not None
        and record.team_id == user.team_id
        and record.visibility != Visibility.OWNER
    )


def can_see(user: Any, record: OwnedRecord) -> bool:
    if not _is_usable(user) or record.org_id != user.org_id:
        return False
    if _is_withheld(record) and not user.is_administrator:
        return False
    if _manages(user, record) or _in_owning_team(user, record):
        return True
    if (
        record.visibility == Visibility.ORGANIZATION
        and organization_sharing(user) != OrganizationSharing.PRIVATE
    ):
        return True
    return _collaborates_on(user, record, write=False)


def can_edit(user: Any, record: OwnedRecord) -> bool:
    """Write access: change the record's own fields (not its owner or visibility)."""
    if not can_see(user, record):
        return False
    if _manages(user, record) or _in_owning_team(user, record):
        return True
    if (
        record.visibility == Visibility.ORGANIZATION
        and organization_sharing(user) == OrganizationSharing.READ_WRITE
    ):
        return True
    return _collaborates_on(user, record, write=True)


def can_manage(user: Any, record: OwnedRecord) -> bool:
    """Owner, the owner's managers and administrators may delete, share or hand over a record."""
    return can_see(user, record) and _manages(user, record)
