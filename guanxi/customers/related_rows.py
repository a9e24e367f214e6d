"""The customers app's own rows in the purge / merge / erase registry: activities, contacts,
scores and the colleagues a record is shared with.

An activity on a contact also stores the contact's company, so it belongs to both: purging one of
them keeps the activity on the other, and only an activity left with no customer at all goes. A
contact is never removed with its company: it stays, without the company.

A merge hands the survivor what it lacks: the merged-away contact's score when the survivor has
none (scores are recomputed by the next analytics refresh anyway), and its collaborators, unless
the colleague already shares the survivor. Collaborator rows point at their record by type and
id (the platform knows no customer), so a purge removes them instead of leaving them orphaned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F
from django.utils import timezone

from guanxi.customers.models import Account, Activity, Contact, CustomerScore
from guanxi.customers.registry import (
    DELETED,
    REPOINTED,
    UNLINKED,
    Counts,
    CustomerRef,
    Merge,
    Moved,
    RelatedRows,
    register_related_rows,
    repoint,
    repoint_back,
)
from guanxi.platform.models import RecordCollaborator

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


def _bumped() -> dict[str, Any]:
    """What a re-pointed versioned row also gets, so open edit forms and API syncs notice."""
    return {"version": F("version") + 1, "updated_at": timezone.now()}


def activities_on_merge(merge: Merge) -> Moved:
    return repoint(Activity.objects.all(), merge.source.field, merge, **_bumped())


def activities_on_unmerge(merge: Merge, pks: Sequence[Any]) -> Counts:
    return repoint_back(Activity.objects.all(), merge.source.field, merge, pks, **_bumped())


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


def contacts_on_merge(merge: Merge) -> Moved:
    if merge.source.kind != "account":
        return Moved({})
    return repoint(Contact.objects.all(), "account", merge, **_bumped())


def contacts_on_unmerge(merge: Merge, pks: Sequence[Any]) -> Counts:
    return repoint_back(Contact.objects.all(), "account", merge, pks, **_bumped())


def _nothing(_customer: CustomerRef) -> Counts:
    """Rows that cascade with their customer (a score) or stay with it (an erased record)."""
    return {}


def scores_on_merge(merge: Merge) -> Moved:
    """The score's key is its contact, so the moved row is named by the survivor's key."""
    if (
        merge.source.kind != "contact"
        or CustomerScore.objects.filter(contact_id=merge.target.pk).exists()
    ):
        return Moved({})
    moved = CustomerScore.objects.filter(contact_id=merge.source.pk).update(
        contact_id=merge.target.pk
    )
    return Moved({REPOINTED: moved}, [merge.target.pk] if moved else [])


def scores_on_unmerge(merge: Merge, pks: Sequence[Any]) -> Counts:
    if (
        merge.target.pk not in pks
        or CustomerScore.objects.filter(contact_id=merge.source.pk).exists()
    ):
        return {}
    back = CustomerScore.objects.filter(contact_id=merge.target.pk).update(
        contact_id=merge.source.pk
    )
    return {REPOINTED: back}


RECORD_TYPES = {"contact": Contact._meta.label_lower, "account": Account._meta.label_lower}


def _collaborators_of(customer: CustomerRef) -> Any:
    return RecordCollaborator.objects.filter(
        org_id=customer.org_id, record_type=RECORD_TYPES[customer.kind], record_id=customer.pk
    )


def collaborators_on_purge(customer: CustomerRef) -> Counts:
    _total, per_model = _collaborators_of(customer).delete()
    return {DELETED: per_model.get(RecordCollaborator._meta.label, 0)}


def collaborators_on_merge(merge: Merge) -> Moved:
    """A colleague the source was shared with keeps access to the survivor; one who already
    shares the survivor keeps that (their row on the source goes with the source)."""
    already = _collaborators_of(merge.target).values_list("user_id", flat=True)
    rows = _collaborators_of(merge.source).exclude(user_id__in=list(already))
    pks = list(rows.values_list("pk", flat=True))
    RecordCollaborator.objects.filter(pk__in=pks).update(
        record_id=merge.target.pk, updated_at=timezone.now()
    )
    return Moved({REPOINTED: len(pks)}, pks)


def collaborators_on_unmerge(merge: Merge, pks: Sequence[Any]) -> Counts:
    back = (
        _collaborators_of(merge.target)
        .filter(pk__in=list(pks))
        .update(record_id=merge.source.pk, updated_at=timezone.now())
    )
    return {REPOINTED: back}


def register() -> None:
    register_related_rows(
        RelatedRows(
            label="customers.activity",
            on_purge=activities_on_purge,
            on_merge=activities_on_merge,
            on_unmerge=activities_on_unmerge,
            on_erase=activities_on_erase,
        )
    )
    register_related_rows(
        RelatedRows(
            label="customers.contact",
            on_purge=contacts_on_purge,
            on_merge=contacts_on_merge,
            on_unmerge=contacts_on_unmerge,
            on_erase=contacts_on_purge,
        )
    )
    register_related_rows(
        RelatedRows(
            label="customers.customerscore",
            on_purge=_nothing,
            on_merge=scores_on_merge,
            on_unmerge=scores_on_unmerge,
            on_erase=_nothing,
        )
    )
    register_related_rows(
        RelatedRows(
            label="platform.recordcollaborator",
            on_purge=collaborators_on_purge,
            on_merge=collaborators_on_merge,
            on_unmerge=collaborators_on_unmerge,
            on_erase=_nothing,
        )
    )
