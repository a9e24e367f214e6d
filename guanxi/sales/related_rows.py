"""Leads and deals in the customers' purge / merge / erase registry.

A deal is a fact about the business (pipeline, forecast, won revenue) whatever becomes of the
customer, so on purge it stays without its customer, and on a merge it follows the customer.
A converted lead keeps its history the same way, except on erasure: it holds the person's own
name, phones and e-mails, so a lead converted into an erased contact is anonymised too.
The people on a deal with their roles follow a merged contact and go with a purged or erased
one. Quotes are kept like deals (what was offered, at what price).
Commitments follow the customer likewise and are deleted when the person is erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from guanxi.customers.registry import (
    ANONYMISED,
    DELETED,
    Counts,
    CustomerRef,
    Merge,
    Moved,
    RelatedRows,
    business_rows,
    keep_unlinked,
    register_related_rows,
    repoint,
    repoint_back,
)
from guanxi.sales.models import (
    Commitment,
    DealContact,
    Lead,
    LeadSearchToken,
    Opportunity,
    Quote,
    Visit,
)
from guanxi.sales.services.visits import photo_path


def leads_forget_the_person(customer: CustomerRef) -> Counts:
    """Erasing a contact: the leads it was converted from lose the person's details."""
    if customer.kind != "contact":
        return keep_unlinked(Lead)(customer)
    leads = Lead.objects.filter(contact_id=customer.pk)
    pks = list(leads.values_list("pk", flat=True))
    LeadSearchToken.objects.filter(lead_id__in=pks).delete()
    Lead.objects.filter(pk__in=pks).update(
        contact=None,
        name="—",
        sort_key="",
        company="",
        title="",
        phones=[],
        emails=[],
        message="",
        updated_at=timezone.now(),
    )
    return {ANONYMISED: len(pks)}


def commitments_forget_the_person(customer: CustomerRef) -> Counts:
    """A promise's text is about the person ("call her back about the refund"): erased too."""
    if customer.kind != "contact":
        return {}
    deleted, _by_model = Commitment.objects.filter(contact_id=customer.pk).delete()
    return {DELETED: deleted}


def visits_forget_the_person(customer: CustomerRef) -> Counts:
    """A visit's photo and note may show the person: erased with them (a company's stay)."""
    if customer.kind != "contact":
        return keep_unlinked(Visit)(customer)
    visits = Visit.objects.filter(contact_id=customer.pk)
    photos = list(visits.exclude(photo="").values_list("photo", flat=True))
    deleted, _by_model = visits.delete()

    def remove_photos() -> None:  # once the erasure is committed, not before
        for relative in photos:
            photo_path(relative).unlink(missing_ok=True)

    transaction.on_commit(remove_photos)
    return {DELETED: deleted}


def deal_roles_forget(customer: CustomerRef) -> Counts:
    """A role on a deal is about the person: it goes with them."""
    if customer.kind != "contact":
        return {}
    deleted, _by_model = DealContact.objects.filter(contact_id=customer.pk).delete()
    return {DELETED: deleted}


def deal_roles_follow(merge: Merge) -> Moved:
    """The survivor takes the source's roles, except on deals where it already has one."""
    if merge.source.kind != "contact":
        return Moved({})
    taken = DealContact.objects.filter(contact_id=merge.target.pk).values("opportunity_id")
    doubles = DealContact.objects.filter(contact_id=merge.source.pk, opportunity_id__in=taken)
    dropped, _by_model = doubles.delete()
    moved = repoint(DealContact.objects.all(), "contact", merge)
    return Moved({**moved.counts, DELETED: dropped}, moved.pks)


def deal_roles_back(merge: Merge, pks: Sequence[Any]) -> Counts:
    return repoint_back(DealContact.objects.all(), "contact", merge, pks)


def register() -> None:
    register_related_rows(
        RelatedRows(
            label="sales.dealcontact",
            on_purge=deal_roles_forget,
            on_merge=deal_roles_follow,
            on_unmerge=deal_roles_back,
            on_erase=deal_roles_forget,
        )
    )
    register_related_rows(business_rows("sales.lead", Lead, on_erase=leads_forget_the_person))
    register_related_rows(business_rows("sales.opportunity", Opportunity))
    register_related_rows(business_rows("sales.quote", Quote))
    register_related_rows(business_rows("sales.visit", Visit, on_erase=visits_forget_the_person))
    register_related_rows(
        business_rows("sales.commitment", Commitment, on_erase=commitments_forget_the_person)
    )
