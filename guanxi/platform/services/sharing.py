"""Writes for sharing: the organisation's sharing setting and record collaborators."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.core.errors import NotFoundError, PermissionDeniedError, ServiceValidationError
from guanxi.platform.models import Organization, RecordCollaborator, User
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import (
    CollaboratorAccess,
    OrganizationSharing,
    can_manage,
    can_see,
    forget_cached_access,
)

SHARING_VERB_LABELS = {
    "platform.organization.sharing_changed": gettext_noop("Sharing setting changed"),
    "platform.collaborator.added": gettext_noop("Collaborator added"),
    "platform.collaborator.changed": gettext_noop("Collaborator's access changed"),
    "platform.collaborator.removed": gettext_noop("Collaborator removed"),
}


@transaction.atomic
def organization_set_sharing(*, actor: Any, org: Organization, sharing: str) -> Organization:
    if not actor.is_administrator or actor.org_id != org.pk:
        raise PermissionDeniedError(_("Only an administrator can change the sharing setting."))
    if sharing not in OrganizationSharing.values:
        raise ServiceValidationError.for_field("customer_sharing", _("Choose a sharing setting."))
    org = Organization.objects.select_for_update().get(pk=org.pk)
    before = org.customer_sharing
    if before == sharing:
        return org
    org.customer_sharing = sharing
    org.save(update_fields=["customer_sharing", "updated_at"])
    audit_record(
        actor=actor,
        verb="platform.organization.sharing_changed",
        target=org,
        changes={"customer_sharing": {"before": before, "after": sharing}},
        org_id=org.pk,
    )
    forget_cached_access(actor)
    return org


def _require_manage(actor: Any, record: Any) -> None:
    if not can_see(actor, record):
        raise NotFoundError(_("No such record."))
    if not can_manage(actor, record):
        raise PermissionDeniedError(
            _("Only the owner, their manager or an administrator can share this record.")
        )


def _clean(actor: Any, record: Any, user: User, access: str, until: datetime.date | None) -> None:
    if user.org_id != record.org_id or not user.is_active:
        raise ServiceValidationError.for_field(
            "user", _("The colleague must be an active user of your organisation.")
        )
    if user.pk == record.owner_id:
        raise ServiceValidationError.for_field("user", _("The owner has access already."))
    if access not in CollaboratorAccess.values:
        raise ServiceValidationError.for_field("access", _("Choose read or read and write."))
    if until is not None and until < timezone.localdate():
        raise ServiceValidationError.for_field("until", _("The end date is in the past."))


@transaction.atomic
def collaborator_set(
    *,
    actor: Any,
    record: Any,
    user: User,
    access: str = CollaboratorAccess.READ,
    until: datetime.date | None = None,
    include_children: bool = False,
) -> RecordCollaborator:
    """Add a colleague to one record, or change their access (the row is unique per colleague)."""
    _require_manage(actor, record)
    _clean(actor, record, user, access, until)
    record_type = record._meta.label_lower
    values = {"access": access, "until": until, "include_children": include_children}
    existing = (
        RecordCollaborator.objects.select_for_update()
        .filter(record_type=record_type, record_id=record.pk, user=user)
        .first()
    )
    if existing is None:
        collaborator = RecordCollaborator.objects.create(
            org_id=record.org_id,
            record_type=record_type,
            record_id=record.pk,
            user=user,
            added_by=actor,
            **values,
        )
        before: dict[str, Any] = {}
        verb = "platform.collaborator.added"
    else:
        collaborator = existing
        before = {name: getattr(existing, name) for name in values}
        if before == values:
            return existing
        for name, value in values.items():
            setattr(collaborator, name, value)
        collaborator.save(update_fields=[*values, "updated_at"])
        verb = "platform.collaborator.changed"
    changes = {"colleague": {"before": None, "after": user.username}} if not before else {}
    for name, value in values.items():
        if before.get(name) != value:
            changes[name] = {"before": _plain(before.get(name)), "after": _plain(value)}
    audit_record(actor=actor, verb=verb, target=collaborator, subject=record, changes=changes)
    forget_cached_access(user)
    return collaborator


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def collaborators_grant_read(
    *, actor: Any, org_id: int, record_type: str, record_ids: list[int], user: User
) -> int:
    """The old owner of handed-over records stays a reader of each (one row per record; a record
    the user already collaborates on keeps its access). Runs inside the handover's transaction,
    which audits the run."""
    if not user.is_active:
        return 0
    existing = set(
        RecordCollaborator.objects.filter(
            record_type=record_type, record_id__in=record_ids, user=user
        ).values_list("record_id", flat=True)
    )
    rows = [
        RecordCollaborator(
            org_id=org_id,
            record_type=record_type,
            record_id=record_id,
            user=user,
            access=CollaboratorAccess.READ,
            added_by=actor if getattr(actor, "pk", None) else None,
        )
        for record_id in record_ids
        if record_id not in existing
    ]
    RecordCollaborator.objects.bulk_create(rows, batch_size=1000)
    forget_cached_access(user)
    return len(rows)


@transaction.atomic
def collaborator_remove(*, actor: Any, record: Any, user: User) -> None:
    _require_manage(actor, record)
    found = RecordCollaborator.objects.filter(
        record_type=record._meta.label_lower, record_id=record.pk, user=user
    ).first()
    if found is None:
        return
    audit_record(
        actor=actor,
        verb="platform.collaborator.removed",
        target=found,
        subject=record,
        changes={"colleague": {"before": user.username, "after": None}},
    )
    found.delete()
    forget_cached_access(user)
