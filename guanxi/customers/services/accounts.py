"""Writes for accounts (companies): create, update (version-checked), soft delete, restore."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.choices import CompanySize
from guanxi.customers.models import Account
from guanxi.customers.names import sort_key
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.regions import clean_region_fields
from guanxi.customers.services import records
from guanxi.customers.services.custom_fields import (
    custom_changes,
    custom_snapshot,
    write_identifiers,
)
from guanxi.customers.services.search_index import account_reindex
from guanxi.platform.services.audit import audit_record, diff, snapshot

EDITABLE_FIELDS = (
    "name",
    "industry",
    "size",
    "website",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "description",
    "visibility",
    "owner",
)
TEXT_LIMITS = {
    "name": 200,
    "industry": 80,
    "website": 300,
    "province": 40,
    "city": 40,
    "district": 40,
    "street": 200,
    "postcode": 12,
    "description": 10000,
}


_error = ServiceValidationError.for_field


def clean_website(website: str) -> str:
    """A web address as accounts store it (``https://`` added when no scheme is written)."""
    if "://" not in website:
        website = "https://" + website
    try:
        URLValidator(schemes=["http", "https"])(website)
    except ValidationError as exc:
        raise _error("website", _("Enter a valid web address.")) from exc
    return website


def _clean_fields(actor: Any, fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = records.clean_record_fields(
        actor, fields, editable=EDITABLE_FIELDS, text_limits=TEXT_LIMITS
    )
    if "name" in cleaned and not cleaned["name"]:
        raise _error("name", _("An account needs a name."))
    if cleaned.get("website"):
        cleaned["website"] = clean_website(cleaned["website"])
    if "size" in cleaned and (cleaned["size"] or "") not in CompanySize.values:
        raise _error("size", _("Unknown company size."))
    return cleaned


def _account_snapshot(account: Account, before: dict[str, Any] | None = None) -> dict[str, Any]:
    data = snapshot(account, EDITABLE_FIELDS)
    data["tags"] = sorted(t.name for t in account.tags.all())
    data.update(custom_snapshot(account, before))
    return data


@transaction.atomic
def account_create(
    *,
    actor: Any,
    name: str,
    tags: Sequence[str] = (),
    custom: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Account:
    records.require_permission(actor, CustomerPermission.ADD_CUSTOMERS)
    cleaned = _clean_fields(actor, {"name": name, **fields})
    clean_region_fields(cleaned)
    owner = cleaned.pop("owner", None) or actor
    account = Account(org_id=actor.org_id, owner=owner, team_id=owner.team_id, **cleaned)
    account.custom = custom_changes(actor, account, custom)
    account.sort_key = sort_key(account.name)
    account.save()
    write_identifiers(actor, account)
    account.tags.set(records.resolve_tags(actor.org_id, list(tags)))
    account_reindex(account)
    audit_record(
        actor=actor,
        verb="customers.account.created",
        target=account,
        changes=diff({}, _account_snapshot(account)),
    )
    return account


@transaction.atomic
def account_update(
    *,
    actor: Any,
    account: Account,
    version: int | None,
    tags: Sequence[str] | None = None,
    custom: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Account:
    records.require_can_edit(actor, account)
    account = records.lock_for_update(Account, account)
    records.check_version(account, version)
    cleaned = _clean_fields(actor, fields)
    clean_region_fields(cleaned, current=account)
    records.require_can_manage_changes(actor, account, cleaned)
    new_custom = custom_changes(actor, account, custom)
    before = _account_snapshot(account)
    records.apply_changes(account, cleaned)
    account.custom = new_custom
    if "owner" in cleaned:
        account.team_id = account.owner.team_id
    if tags is not None:
        account.tags.set(records.resolve_tags(account.org_id, list(tags)))
    changes = diff(before, _account_snapshot(account, before))
    if not changes:
        return account
    account.version += 1
    account.sort_key = sort_key(account.name)
    account.save()
    if any(name.startswith("custom.") for name in changes):
        write_identifiers(actor, account)
    if {"name", "website"} & changes.keys():
        account_reindex(account)
    audit_record(actor=actor, verb="customers.account.updated", target=account, changes=changes)
    return account


@transaction.atomic
def account_delete(*, actor: Any, account: Account) -> None:
    records.soft_delete(actor=actor, record=account, verb="customers.account.deleted")


@transaction.atomic
def account_restore(*, actor: Any, account: Account) -> None:
    records.restore(actor=actor, record=account, verb="customers.account.restored")
