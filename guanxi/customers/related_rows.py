"""The customers app's own rows in the purge / merge / erase registry: activities and contacts.

An activity on a contact also stores the contact's company, so it belongs to both: purging one of
them keeps the activity on the other, and only an activity left with no customer at all goes. A
contact is never removed with its company: it stays, without the company.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from guanxi.customers.models import Activity, Contact
from guanxi.customers.registry import (
    DELETED,
    REPOINTED,
    UNLINKED,
    Counts,
    CustomerRef,
    Merge,
    RelatedRows,
    register_related_rows,
)

OTHER_CUSTOMER = {"contact": "account", "account": "contact"}


def _activities_of(customer: CustomerRef) -> tuple[int, int]:
    """Delete the activities only this customer holds, unlink the others; (deleted, unlinked).

    A contact's activities are the contact's alone (the company on them is a copy, for the
    company's timeline): they go with the contact, or a private person's notes would surface on
    the company's page. A company's activities about one of its people stay with that person.
    """
    own = Activity.objects.filter(**{f"{customer.field}_id": customer.pk})
    other = OTHER_CUSTOMER[customer.kind]
    only_this = own if customer.kind == "contact" else own.filter(**{f"{other}__isnull": True})
    _total, per_model = only_this.delete()
    unlinked = own.update(
        **{customer.field: None}, version=F("version") + 1, updated_at=timezone.now()
    )
    return per_model.get(Activity._meta.label, 0), unlinked


def activities_on_purge(customer: CustomerRef) -> Counts:
    deleted, unlinked = _activities_of(customer)
    return {DELETED: deleted, UNLINKED: unlinked}


def activities_on_merge(merge: Merge) -> Counts:
    field = merge.source.field
    moved = Activity.objects.filter(**{f"{field}_id": merge.source.pk}).update(
        **{f"{field}_id": merge.target.pk}, version=F("version") + 1, updated_at=timezone.now()
    )
    return {REPOINTED: moved}


def activities_on_erase(customer: CustomerRef) -> Counts:
    """Notes about an erased person are their personal data: they go even when a company shares
    them. A company's erasure keeps its contacts' activities, as a purge does."""
    if customer.kind == "contact":
        _total, per_model = Activity.objects.filter(contact_id=customer.pk).delete()
        return {DELETED: per_model.get(Activity._meta.label, 0)}
    return activities_on_purge(customer)


def contacts_on_purge(customer: CustomerRef) -> Counts:
    """A company's people stay when the company goes, without it."""
    if customer.kind != "account":
        return {}
    unlinked = Contact.objects.filter(account_id=customer.pk).update(
        account=None, account_role="", version=F("version") + 1, updated_at=timezone.now()
    )
    return {UNLINKED: unlinked}


def contacts_on_merge(merge: Merge) -> Counts:
    if merge.source.kind != "account":
        return {}
    moved = Contact.objects.filter(account_id=merge.source.pk).update(
        account_id=merge.target.pk, version=F("version") + 1, updated_at=timezone.now()
    )
    return {REPOINTED: moved}


def register() -> None:
    register_related_rows(
        RelatedRows(
            label="customers.activity",
            on_purge=activities_on_purge,
            on_merge=activities_on_merge,
            on_erase=activities_on_erase,
        )
    )
    register_related_rows(
        RelatedRows(
            label="customers.contact",
            on_purge=contacts_on_purge,
            on_merge=contacts_on_merge,
            on_erase=contacts_on_purge,
        )
    )
