"""Customers that arrive with their orders: created in bulk, or linked to an existing contact.

An order import may name thousands of customers the CRM has not seen. Creating each through
:func:`contact_create` would cost several queries apiece, so this path validates the same things
(name length, phone and e-mail already normalised by the caller) and writes contacts, phones,
e-mails, search keys and one audit event per contact with a handful of bulk inserts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.bulk import insert_rows
from guanxi.customers import search
from guanxi.customers.choices import EmailKind
from guanxi.customers.models import Contact, ContactEmail, ContactPhone, ContactSearchToken
from guanxi.customers.names import name_pinyin, sort_key
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.phones import inferred_kind
from guanxi.customers.services import records
from guanxi.platform.models import AuditEvent
from guanxi.platform.services.audit import audit_bulk, audit_event

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
            Contact(
                org_id=actor.org_id,
                owner=actor,
                team_id=actor.team_id,
                name=name,
                pinyin=name_pinyin(name),
                sort_key=sort_key(name),
                external_id=customer.external_id,
                source=customer.source[:60],
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=1000)
    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    phones: list[tuple[int, str, str, int]] = []
    emails: list[tuple[int, str, str, int]] = []
    keys: list[tuple[int, str]] = []
    events: list[tuple[Any, ...]] = []
    for contact, customer in zip(contacts, customers, strict=True):
        if customer.phone:
            phones.append((contact.pk, customer.phone, inferred_kind(customer.phone), 0))
        if customer.email:
            emails.append((contact.pk, customer.email, EmailKind.WORK, 0))
        keys.extend(
            (contact.pk, key)
            for key in sorted(
                search.contact_keys(
                    name=contact.name,
                    phones=[customer.phone] if customer.phone else [],
                    emails=[customer.email] if customer.email else [],
                )
            )
        )
        changes = {
            "name": {"before": None, "after": contact.name},
            "external_id": {"before": None, "after": customer.external_id},
        }
        events.append(
            (
                contact.org_id,
                actor_id,
                "customers.contact.created",
                "customers.contact",
                contact.pk,
                contact.name[:200],
                "customers.contact",
                contact.pk,
                json.dumps(changes, ensure_ascii=False),
                now,
            )
        )
    # The bulk path for the many small rows (COPY on PostgreSQL); the database assigns their keys.
    insert_rows(ContactPhone, ("contact_id", "number", "kind", "position"), phones)
    insert_rows(ContactEmail, ("contact_id", "email", "kind", "position"), emails)
    insert_rows(ContactSearchToken, ("contact_id", "token"), keys)
    insert_rows(AuditEvent, AUDIT_COLUMNS, events)
    return {c.external_id: c.pk for c in contacts}


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
