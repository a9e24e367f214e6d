"""Customers that arrive with their orders: created in bulk, or linked to an existing contact.

An order import may name thousands of customers the CRM has not seen. Creating each through
:func:`contact_create` would cost several queries apiece, so this path validates the same things
(name length, phone and e-mail already normalised by the caller) and writes contacts, phones,
e-mails, search keys and one audit event per contact with a handful of bulk inserts.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.bulk import insert_rows, reserve_ids
from guanxi.customers import search
from guanxi.customers.choices import EmailKind
from guanxi.customers.models import (
    Account,
    AccountSearchToken,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactSearchToken,
    CustomIdentifier,
)
from guanxi.customers.names import name_pinyin, sort_key
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.phones import inferred_kind
from guanxi.customers.services import records
from guanxi.platform.models import AuditEvent
from guanxi.platform.services.audit import audit_bulk, audit_event
from guanxi.platform.visibility import Visibility

AUDIT_COLUMNS = (
    "org_id",
    "actor_id",
    "verb",
    "target_type",
    "target_id",
    "target_label",
    "subject_type",
    "subject_id",
    "changes",
    "created_at",
)


@dataclass(frozen=True)
class ImportedCustomer:
    external_id: str
    name: str = ""
    phone: str = ""  # E.164, already normalised
    email: str = ""  # lower-cased, already validated
    source: str = ""


@dataclass
class NewContact:
    """A contact ready to be written: every value already cleaned and normalised."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)  # other Contact columns
    phones: list[tuple[str, str]] = field(default_factory=list)  # (E.164, kind)
    emails: list[str] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    identifiers: list[tuple[int, str]] = field(default_factory=list)  # (custom field id, value)
    owner: Any = None  # the actor when empty


CONTACT_COLUMNS = (
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "org_id",
    "version",
    "owner_id",
    "team_id",
    "visibility",
    "name",
    "pinyin",
    "sort_key",
    "title",
    "account_id",
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
    "custom",
    "description",
)
_DEFAULTS: dict[str, Any] = {"visibility": Visibility.ORGANIZATION, "account_id": None}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _creation_changes(name: str, fields: Mapping[str, Any], **lists: list[str]) -> dict[str, Any]:
    """What the audit event of a created record lists: the values it was given."""
    values: dict[str, Any] = {"name": name}
    values.update((k, _jsonable(v)) for k, v in fields.items() if v not in ("", None, {}))
    values.update((key, items) for key, items in lists.items() if items)
    return {key: {"before": None, "after": value} for key, value in values.items()}


def created_event(actor: Any, target_type: str, pk: int, name: str, changes: Any, now: Any) -> Any:
    """One ``<target type>.created`` audit row, for :func:`insert_rows` (``AUDIT_COLUMNS``)."""
    return event_row(
        actor.org_id, actor, f"{target_type}.created", target_type, pk, name, changes, now
    )


def event_row(
    org_id: int,
    actor: Any,
    verb: str,
    target_type: str,
    pk: int,
    name: str,
    changes: Any,
    now: Any,
) -> tuple[Any, ...]:
    """One audit row about one record, for :func:`insert_rows` (``AUDIT_COLUMNS``)."""
    return (
        org_id,
        actor.pk if getattr(actor, "pk", None) else None,
        verb,
        target_type,
        pk,
        name[:200],
        target_type,
        pk,
        json.dumps(changes, ensure_ascii=False),
        now,
    )


def contacts_insert(*, actor: Any, contacts: Sequence[NewContact]) -> list[int]:
    """Write new contacts with a handful of bulk inserts; returns their keys in order.

    Contacts, phones, e-mails, tags, identifier values, search keys and one
    ``customers.contact.created`` audit event each. The caller has checked the permission and
    cleaned every value; it runs inside the caller's transaction, and the unique constraints
    (external id, identifier values) refuse what a concurrent writer took first.
    """
    if not contacts:
        return []
    ids = reserve_ids(Contact, len(contacts))
    now = timezone.now()
    rows: list[tuple[Any, ...]] = []
    phones: list[tuple[int, str, str, int]] = []
    emails: list[tuple[int, str, str, int]] = []
    tags: list[tuple[int, int]] = []
    identifiers: list[tuple[int, int, str]] = []
    keys: list[tuple[int, str]] = []
    events: list[tuple[Any, ...]] = []
    org_id = actor.org_id
    for pk, contact in zip(ids, contacts, strict=True):
        owner = contact.owner or actor
        values = {**_DEFAULTS, **contact.fields}
        custom = values.get("custom") or {}
        rows.append(
            (
                pk,
                uuid.uuid4(),
                now,
                now,
                org_id,
                1,
                owner.pk,
                owner.team_id,
                values["visibility"],
                contact.name,
                name_pinyin(contact.name),
                sort_key(contact.name),
                values.get("title", ""),
                values["account_id"],
                values.get("account_role", "") if values["account_id"] else "",
                values.get("wechat_id", ""),
                values.get("birthday"),
                values.get("gender", ""),
                values.get("source", ""),
                values.get("external_id", ""),
                values.get("province", ""),
                values.get("city", ""),
                values.get("district", ""),
                values.get("street", ""),
                values.get("postcode", ""),
                json.dumps(custom, ensure_ascii=False),
                values.get("description", ""),
            )
        )
        phones.extend((pk, n, kind, i) for i, (n, kind) in enumerate(contact.phones))
        emails.extend((pk, e, EmailKind.WORK, i) for i, e in enumerate(contact.emails))
        tags.extend((pk, tag_id) for tag_id in contact.tag_ids)
        identifiers.extend((field_id, pk, value) for field_id, value in contact.identifiers)
        keys.extend(
            (pk, key)
            for key in search.contact_keys(
                name=contact.name,
                phones=[n for n, _kind in contact.phones],
                emails=contact.emails,
            )
        )
        changes = _creation_changes(
            contact.name,
            contact.fields,
            phones=[number for number, _kind in contact.phones],
            emails=list(contact.emails),
        )
        events.append(created_event(actor, "customers.contact", pk, contact.name, changes, now))
    insert_rows(Contact, CONTACT_COLUMNS, rows)
    # The bulk path for the many small rows (COPY on PostgreSQL); the database assigns their keys.
    insert_rows(ContactPhone, ("contact_id", "number", "kind", "position"), phones)
    insert_rows(ContactEmail, ("contact_id", "email", "kind", "position"), emails)
    insert_rows(Contact.tags.through, ("contact_id", "tag_id"), tags)
    insert_rows(CustomIdentifier, ("field_id", "contact_id", "value"), identifiers)
    insert_rows(ContactSearchToken, ("contact_id", "token"), keys)
    insert_rows(AuditEvent, AUDIT_COLUMNS, events)
    return ids


@dataclass
class NewAccount:
    """An account ready to be written: every value already cleaned and normalised."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)  # other Account columns, and "custom"
    tag_ids: list[int] = field(default_factory=list)
    identifiers: list[tuple[int, str]] = field(default_factory=list)  # (custom field id, value)
    owner: Any = None  # the actor when empty


ACCOUNT_COLUMNS = (
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "org_id",
    "version",
    "owner_id",
    "team_id",
    "visibility",
    "name",
    "sort_key",
    "custom",
)
# The text columns, which have no database default: "" where an account is not given one.
ACCOUNT_TEXTS = (
    "industry",
    "size",
    "website",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "description",
)


def accounts_insert(
    *, actor: Any, names: Sequence[str] = (), accounts: Sequence[NewAccount] = ()
) -> list[int]:
    """New accounts in bulk, owned by the importing user unless given an owner: companies named
    by imported contacts (``names``; a sheet of a million people names thousands of companies,
    each of which ``account_create`` would write with a dozen queries) and the rows of an
    account import (``accounts``, with all their values). Everything is cleaned by the caller;
    returns the keys in order, ``names`` first. One ``customers.account.created`` event each.
    """
    wanted = [NewAccount(name=name) for name in names] + list(accounts)
    ids = reserve_ids(Account, len(wanted))
    if not ids:
        return []
    now = timezone.now()
    rows: list[tuple[Any, ...]] = []
    tags: list[tuple[int, int]] = []
    identifiers: list[tuple[int, int, str]] = []
    keys: list[tuple[int, str]] = []
    events: list[tuple[Any, ...]] = []
    for pk, account in zip(ids, wanted, strict=True):
        owner = account.owner or actor
        values = account.fields
        rows.append(
            (
                pk,
                uuid.uuid4(),
                now,
                now,
                actor.org_id,
                1,
                owner.pk,
                owner.team_id,
                Visibility.ORGANIZATION,
                account.name,
                sort_key(account.name),
                json.dumps(values.get("custom") or {}, ensure_ascii=False),
                *(values.get(name, "") for name in ACCOUNT_TEXTS),
            )
        )
        tags.extend((pk, tag_id) for tag_id in account.tag_ids)
        identifiers.extend((field_id, pk, value) for field_id, value in account.identifiers)
        website = values.get("website", "")
        keys.extend((pk, key) for key in search.account_keys(name=account.name, website=website))
        changes = _creation_changes(account.name, values)
        events.append(created_event(actor, "customers.account", pk, account.name, changes, now))
    insert_rows(Account, ACCOUNT_COLUMNS + ACCOUNT_TEXTS, rows)
    insert_rows(Account.tags.through, ("account_id", "tag_id"), tags)
    insert_rows(CustomIdentifier, ("field_id", "account_id", "value"), identifiers)
    insert_rows(AccountSearchToken, ("account_id", "token"), keys)
    insert_rows(AuditEvent, AUDIT_COLUMNS, events)
    return ids


@transaction.atomic
def contacts_create_imported(
    *, actor: Any, customers: Sequence[ImportedCustomer]
) -> dict[str, int]:
    """Create one contact per new external id; returns ``{external_id: contact pk}``."""
    records.require_permission(actor, CustomerPermission.ADD_CUSTOMERS)
    contacts = []
    for customer in customers:
        name = " ".join(customer.name.split())[:100] or _("Customer %(id)s") % {
            "id": customer.external_id
        }
        contacts.append(
            NewContact(
                name=name,
                fields={"external_id": customer.external_id, "source": customer.source[:60]},
                phones=[(customer.phone, inferred_kind(customer.phone))] if customer.phone else [],
                emails=[customer.email] if customer.email else [],
            )
        )
    ids = contacts_insert(actor=actor, contacts=contacts)
    return {customer.external_id: pk for customer, pk in zip(customers, ids, strict=True)}


@transaction.atomic
def contacts_link_external_ids(*, actor: Any, links: Mapping[int, str]) -> None:
    """Give contacts found by phone or e-mail the external id their orders use from now on."""
    records.require_permission(actor, CustomerPermission.CHANGE_CUSTOMERS)
    contacts = list(Contact.objects.filter(pk__in=list(links), external_id="").select_for_update())
    events = []
    now = timezone.now()
    for contact in contacts:
        contact.external_id = links[contact.pk]
        contact.updated_at = now
        contact.version += 1
        events.append(
            audit_event(
                actor=actor,
                verb="customers.contact.updated",
                target=contact,
                changes={"external_id": {"before": "", "after": contact.external_id}},
            )
        )
    Contact.objects.bulk_update(contacts, ["external_id", "version", "updated_at"])
    audit_bulk(events)
