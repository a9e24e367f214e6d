"""Helpers shared by the account and contact services: write access, owner, tags, deletes.

The generic pieces (version checks, row locks, soft delete) live in ``core.concurrency`` and
``platform.records`` for every domain; they are re-exported here so the customer services read
``records.check_version(...)`` and so on from one place.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.concurrency import apply_changes, check_version, lock_for_update
from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.customers.models import Tag
from guanxi.customers.permissions import CustomerPermission
from guanxi.platform import records as platform_records
from guanxi.platform.models import User
from guanxi.platform.records import require_permission, require_visible, restore
from guanxi.platform.visibility import Visibility, can_manage

__all__ = [
    "apply_changes",
    "check_version",
    "clean_record_fields",
    "lock_for_update",
    "require_can_edit",
    "require_can_manage_changes",
    "require_permission",
    "require_visible",
    "resolve_owner",
    "resolve_tags",
    "restore",
    "soft_delete",
    "validate_visibility",
]

MAX_TAGS = 20


def require_can_edit(actor: Any, record: Any) -> None:
    """Write access to the record's own fields (seeing a read-only shared record is not enough)."""
    platform_records.require_editable(
        actor,
        record,
        permission=CustomerPermission.CHANGE_CUSTOMERS,
        read_only=_("This customer is shared with you read-only; ask its owner for write access."),
    )


def require_can_manage_changes(actor: Any, record: Any, cleaned: dict[str, Any]) -> None:
    """Changing the owner or who may see a record is for those who manage it, not every editor."""
    changing = []
    if "owner" in cleaned and record.owner_id != cleaned["owner"].pk:
        changing.append("owner")
    if "visibility" in cleaned and record.visibility != cleaned["visibility"]:
        changing.append("visibility")
    if changing and not can_manage(actor, record):
        raise PermissionDeniedError(
            _(
                "Only the owner, their manager or an administrator can change the owner or who "
                "can see this record."
            ),
            field_errors={name: [_("You may not change this.")] for name in changing},
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


def soft_delete(*, actor: Any, record: Any, verb: str) -> None:
    platform_records.soft_delete(
        actor=actor, record=record, verb=verb, permission=CustomerPermission.DELETE_CUSTOMERS
    )
