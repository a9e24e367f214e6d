"""Writes for contacts: create, update (version-checked), soft delete, restore."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.choices import AccountRole, Gender, PhoneKind
from guanxi.customers.models import Account, Contact, ContactEmail, ContactPhone
from guanxi.customers.names import name_pinyin, sort_key
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.phones import inferred_kind, normalize_phone
from guanxi.customers.regions import clean_region_fields
from guanxi.customers.services import records
from guanxi.customers.services.custom_fields import (
    custom_changes,
    custom_snapshot,
    write_identifiers,
)
from guanxi.customers.services.search_index import contact_reindex
from guanxi.platform.services.audit import audit_record, diff, snapshot

MAX_PHONES = 10
MAX_EMAILS = 10
PhoneInput = str | Mapping[str, Any]

EDITABLE_FIELDS = (
    "name",
    "title",
    "account",
    "account_role",
    "wechat_id",
    "birthday",
    "gender",
    "source",
    "external_id",
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
    "name": 100,
    "title": 100,
    "wechat_id": 60,
    "source": 60,
    "external_id": 64,
    "province": 40,
    "city": 40,
    "district": 40,
    "street": 200,
    "postcode": 12,
    "description": 10000,
}


_error = ServiceValidationError.for_field


def clean_phones(phones: Iterable[PhoneInput]) -> list[tuple[str, str]]:
    cleaned: list[tuple[str, str]] = []
    for index, item in enumerate(phones):
        if isinstance(item, Mapping):
            number, kind = str(item.get("number", "")), str(item.get("kind") or "")
        else:
            number, kind = str(item), ""
        if kind and kind not in PhoneKind.values:
            raise _error(f"phones.{index}.kind", _("Unknown phone kind."))
        e164 = normalize_phone(number, field=f"phones.{index}")
        kind = kind or inferred_kind(e164)
        if e164 not in [n for n, _k in cleaned]:
            cleaned.append((e164, kind))
    if len(cleaned) > MAX_PHONES:
        raise _error("phones", _("At most %(count)s phone numbers.") % {"count": MAX_PHONES})
    return cleaned


def clean_emails(emails: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for index, raw in enumerate(emails):
        email = str(raw).strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise _error(
                f"emails.{index}",
                _("“%(value)s” is not a valid e-mail address.") % {"value": email[:60]},
            ) from exc
        if email not in cleaned:
            cleaned.append(email)
    if len(cleaned) > MAX_EMAILS:
        raise _error("emails", _("At most %(count)s e-mail addresses.") % {"count": MAX_EMAILS})
    return cleaned


def _check_external_id(actor: Any, external_id: str, contact: Contact | None = None) -> None:
    """An external id names one customer of the shop system, so it may be used only once."""
    if not external_id:
        return
    taken = Contact.objects.filter(org_id=actor.org_id, external_id=external_id)
    if contact is not None:
        taken = taken.exclude(pk=contact.pk)
    if taken.exists():
        raise _external_id_taken(external_id)


def _external_id_taken(external_id: str) -> ServiceValidationError:
    return _error(
        "external_id",
        _("Another customer already has the external id “%(value)s”.") % {"value": external_id},
    )


def _save_holding_external_id(contact: Contact) -> None:
    """Back :func:`_check_external_id` with the unique constraint: a concurrent save of the same
    id passes the check and then fails here (in a savepoint), with the same answer."""
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        if not contact.external_id:
            raise
        raise _external_id_taken(contact.external_id) from None


def _clean_fields(actor: Any, fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = records.clean_record_fields(
        actor, fields, editable=EDITABLE_FIELDS, text_limits=TEXT_LIMITS
    )
    if "name" in cleaned and not cleaned["name"]:
        raise _error("name", _("A contact needs a name."))
    if "gender" in cleaned and (cleaned["gender"] or "") not in Gender.values:
        raise _error("gender", _("Unknown gender value."))
    if cleaned.get("account_role") and cleaned["account_role"] not in AccountRole.values:
        raise _error("account_role", _("Unknown role."))
    if "birthday" in cleaned and cleaned["birthday"] is not None:
        if not isinstance(cleaned["birthday"], datetime.date):
            raise _error("birthday", _("Enter a valid date."))
        if cleaned["birthday"] > datetime.date.today():
            raise _error("birthday", _("The birthday cannot be in the future."))
    account = cleaned.get("account")
    if account is not None:
        if not isinstance(account, Account) or account.deleted_at is not None:
            raise _error("account", _("No such account."))
        records.require_visible(actor, account)
    return cleaned


def _contact_snapshot(contact: Contact, before: dict[str, Any] | None = None) -> dict[str, Any]:
    data = snapshot(contact, EDITABLE_FIELDS)
    data["phones"] = [p.number for p in contact.phones.all()]
    data["emails"] = [e.email for e in contact.emails.all()]
    data["tags"] = sorted(t.name for t in contact.tags.all())
    data.update(custom_snapshot(contact, before))
    return data


def _write_phones_and_emails(
    contact: Contact, phones: list[tuple[str, str]], emails: list[str]
) -> None:
    ContactPhone.objects.filter(contact=contact).delete()
    ContactEmail.objects.filter(contact=contact).delete()
    ContactPhone.objects.bulk_create(
        [
            ContactPhone(contact=contact, number=number, kind=kind, position=i)
            for i, (number, kind) in enumerate(phones)
        ]
    )
    ContactEmail.objects.bulk_create(
        [ContactEmail(contact=contact, email=email, position=i) for i, email in enumerate(emails)]
    )


@transaction.atomic
def contact_create(
    *,
    actor: Any,
    name: str,
    phones: Sequence[PhoneInput] = (),
    emails: Sequence[str] = (),
    tags: Sequence[str] = (),
    custom: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Contact:
    records.require_permission(actor, CustomerPermission.ADD_CUSTOMERS)
    cleaned = _clean_fields(actor, {"name": name, **fields})
    clean_region_fields(cleaned)
    clean_phone_list = clean_phones(phones)
    clean_email_list = clean_emails(emails)
    _check_external_id(actor, cleaned.get("external_id") or "")
    owner = cleaned.pop("owner", None) or actor
    contact = Contact(org_id=actor.org_id, owner=owner, team_id=owner.team_id, **cleaned)
    contact.custom = custom_changes(actor, contact, custom)
    if not contact.account_id:
        contact.account_role = ""
    contact.pinyin = name_pinyin(contact.name)
    contact.sort_key = sort_key(contact.name)
    _save_holding_external_id(contact)
    write_identifiers(actor, contact)
    _write_phones_and_emails(contact, clean_phone_list, clean_email_list)
    contact.tags.set(records.resolve_tags(actor.org_id, list(tags)))
    contact_reindex(contact, phones=[n for n, _k in clean_phone_list], emails=clean_email_list)
    audit_record(
        actor=actor,
        verb="customers.contact.created",
        target=contact,
        changes=diff({}, _contact_snapshot(contact)),
    )
    return contact


def without_hidden_account_unlink(contact: Contact, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of an edit, minus an unlink of a company the editor was not shown.

    Forms and the API show no company the editor may not see; sending back that empty value
    means "unchanged", not "unlink" (``shown_account`` comes from the contact selectors).
    """
    hidden = contact.account_id and contact.shown_account is None
    if hidden and "account" in fields and fields["account"] is None:
        return {name: value for name, value in fields.items() if name != "account"}
    return fields


@transaction.atomic
def contact_update(
    *,
    actor: Any,
    contact: Contact,
    version: int | None,
    phones: Sequence[PhoneInput] | None = None,
    emails: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    custom: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Contact:
    """Apply a partial change; fields not given stay as they are (so do custom values not
    named in ``custom``)."""
    records.require_can_edit(actor, contact)
    contact = records.lock_for_update(Contact, contact)
    records.check_version(contact, version)
    cleaned = _clean_fields(actor, fields)
    clean_region_fields(cleaned, current=contact)
    records.require_can_manage_changes(actor, contact, cleaned)
    if "external_id" in cleaned:
        _check_external_id(actor, cleaned["external_id"] or "", contact)
    new_custom = custom_changes(actor, contact, custom)
    before = _contact_snapshot(contact)
    records.apply_changes(contact, cleaned)
    contact.custom = new_custom
    if "owner" in cleaned:
        contact.team_id = contact.owner.team_id
    if not contact.account_id:
        contact.account_role = ""
    contact.pinyin = name_pinyin(contact.name)
    contact.sort_key = sort_key(contact.name)
    if phones is not None or emails is not None:
        new_phones = (
            clean_phones(phones)
            if phones is not None
            else [(p.number, p.kind) for p in contact.phones.all()]
        )
        new_emails = (
            clean_emails(emails) if emails is not None else [e.email for e in contact.emails.all()]
        )
        _write_phones_and_emails(contact, new_phones, new_emails)
    if tags is not None:
        contact.tags.set(records.resolve_tags(contact.org_id, list(tags)))
    after = _contact_snapshot(contact, before)
    changes = diff(before, after)
    if not changes:
        return contact
    contact.version += 1
    _save_holding_external_id(contact)
    if any(name.startswith("custom.") for name in changes):
        write_identifiers(actor, contact)
    if {"name", "phones", "emails"} & changes.keys():
        contact_reindex(contact, phones=after["phones"], emails=after["emails"])
    audit_record(actor=actor, verb="customers.contact.updated", target=contact, changes=changes)
    return contact


@transaction.atomic
def contact_delete(*, actor: Any, contact: Contact) -> None:
    records.soft_delete(actor=actor, record=contact, verb="customers.contact.deleted")


@transaction.atomic
def contact_restore(*, actor: Any, contact: Contact) -> None:
    records.restore(actor=actor, record=contact, verb="customers.contact.restored")
