"""Guards and soft delete for owned records of any domain (customers today; deals and tickets
next): permission and visibility checks that raise the errors the UI and API understand, and
delete / restore within the restore window, audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFoundError, PermissionDeniedError, ServiceValidationError
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_edit, can_manage, can_see


def require_permission(actor: Any, permission: str) -> None:
    if actor is None or not actor.has_role_permission(permission):
        raise PermissionDeniedError(_("You do not have permission to do this."))


def require_visible(actor: Any, record: Any) -> None:
    if not can_see(actor, record):
        raise NotFoundError(_("No such record."))


def require_editable(actor: Any, record: Any, *, permission: str, read_only: str) -> None:
    """Write access to a record's own fields: it must be visible (404 otherwise, as if missing),
    the role must allow ``permission``, and seeing a record shared read-only is not enough
    (``read_only``: the message saying so, naming the kind of record)."""
    require_visible(actor, record)
    require_permission(actor, permission)
    if not can_edit(actor, record):
        raise PermissionDeniedError(read_only)


def soft_delete(*, actor: Any, record: Any, verb: str, permission: str) -> None:
    """Mark deleted (restorable); only those who manage the record and hold ``permission``."""
    require_visible(actor, record)
    if not can_manage(actor, record) or not actor.has_role_permission(permission):
        raise PermissionDeniedError(
            _("Only the owner, their manager or an administrator can delete this record.")
        )
    if record.deleted_at is not None:
        return
    record.deleted_at = timezone.now()
    record.version += 1
    record.save(update_fields=["deleted_at", "version", "updated_at"])
    audit_record(actor=actor, verb=verb, target=record)


def restore(*, actor: Any, record: Any, verb: str) -> None:
    require_visible(actor, record)
    if not can_manage(actor, record):
        raise PermissionDeniedError(
            _("Only the owner, their manager or an administrator can restore this record.")
        )
    if record.deleted_at is None:
        return
    if record.deleted_at < timezone.now() - timedelta(days=settings.GUANXI_SOFT_DELETE_DAYS):
        raise ServiceValidationError(
            _("Deleted records can be restored for %(days)s days; this one is older.")
            % {"days": settings.GUANXI_SOFT_DELETE_DAYS}
        )
    record.deleted_at = None
    record.version += 1
    record.save(update_fields=["deleted_at", "version", "updated_at"])
    audit_record(actor=actor, verb=verb, target=record)
