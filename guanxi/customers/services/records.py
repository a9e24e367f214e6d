"""Helpers shared by the account and contact services: versions, tags, owner, soft delete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import (
    NotFoundError,
    PermissionDeniedError,
    ServiceValidationError,
    StaleVersionError,
)
from guanxi.customers.models import Tag
from guanxi.platform.models import User
from guanxi.platform.roles import Permission
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import Visibility, can_manage, can_see

MAX_TAGS = 20


def require_permission(actor: Any, permission: str) -> None:
    if actor is None or not actor.has_role_permission(permission):
        raise PermissionDeniedError(_("You do not have permission to do this."))


def require_visible(actor: Any, record: Any) -> None:
    if not can_see(actor, record):
        raise NotFoundError(_("No such record."))


def check_version(record: Any, expected: int | None) -> None:
    """Refuse a stale edit: the caller must say which version it edited."""
    if expected is not None and expected != record.version:
        raise StaleVersionError(
            _(
                "Someone else changed this record (now version %(current)s, you edited version "
                "%(expected)s). Reload it and apply your change again."
            )
            % {"current": record.version, "expected": expected},
            current_version=record.version,
        )


def resolve_owner(actor: Any, owner: User | None) -> User:
    owner = owner or actor
    if owner.org_id != actor.org_id or not owner.is_active:
        raise ServiceValidationError.for_field(
            "owner", _("The owner must be an active user of your organisation.")
        )
    return owner


def validate_visibility(value: str) -> str:
    if value not in Visibility.values:
        raise ServiceValidationError.for_field("visibility", _("Choose who can see this record."))
    return value


def resolve_tags(org_id: int, names: list[str] | None) -> list[Tag]:
    cleaned: list[str] = []
    for name in names or []:
        name = " ".join(str(name).split())[:40]
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ServiceValidationError.for_field(
            "tags", _("At most %(count)s tags.") % {"count": MAX_TAGS}
        )
    existing = {tag.name: tag for tag in Tag.objects.filter(org_id=org_id, name__in=cleaned)}
    for name in cleaned:
        if name not in existing:
            existing[name], _created = Tag.objects.get_or_create(org_id=org_id, name=name)
    return [existing[name] for name in cleaned]


def lock_for_update(model: type[models.Model], record: Any) -> Any:
    """Re-read the row under a write lock so that two edits queue instead of overwriting."""
    return model._default_manager.select_for_update().get(pk=record.pk)


def soft_delete(*, actor: Any, record: Any, verb: str) -> None:
    require_visible(actor, record)
    if not can_manage(actor, record) or not actor.has_role_permission(Permission.DELETE_CUSTOMERS):
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


def clean_record_fields(
    actor: Any,
    fields: dict[str, Any],
    *,
    editable: tuple[str, ...],
    text_limits: dict[str, int],
) -> dict[str, Any]:
    """Checks shared by accounts and contacts: known fields, text lengths, visibility, owner.

    Single-line texts are trimmed and their inner whitespace collapsed; ``description`` keeps its
    line breaks.
    """
    unknown = set(fields) - set(editable)
    if unknown:
        raise ServiceValidationError.for_field(sorted(unknown)[0], _("Unknown field."))
    cleaned = dict(fields)
    for name, limit in text_limits.items():
        if name not in cleaned:
            continue
        value = str(cleaned[name] or "").strip()
        if name != "description":
            value = " ".join(value.split())
        if len(value) > limit:
            raise ServiceValidationError.for_field(
                name, _("At most %(count)s characters.") % {"count": limit}
            )
        cleaned[name] = value
    if "visibility" in cleaned:
        validate_visibility(cleaned["visibility"])
    if "owner" in cleaned:
        cleaned["owner"] = resolve_owner(actor, cleaned["owner"])
    return cleaned


def apply_changes(record: Any, changes: dict[str, Any]) -> list[str]:
    """Set the given attributes; returns the names of the fields that really changed."""
    changed = []
    for name, value in changes.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed
