"""Leads and deals in the customers' purge / merge / erase registry.

A deal is a fact about the business (pipeline, forecast, won revenue) whatever becomes of the
customer, so on purge it stays without its customer, and on a merge it follows the customer.
A converted lead keeps its history the same way, except on erasure: it holds the person's own
name, phones and e-mails, so a lead converted into an erased contact is anonymised too.
Quotes are kept like deals (what was offered, at what price).
Commitments follow the customer likewise and are deleted when the person is erased.
"""

from __future__ import annotations

from django.utils import timezone

from guanxi.customers.registry import (
    ANONYMISED,
    DELETED,
    Counts,
    CustomerRef,
    business_rows,
    keep_unlinked,
    register_related_rows,
)
from guanxi.sales.models import Commitment, Lead, LeadSearchToken, Opportunity, Quote


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


def register() -> None:
    register_related_rows(business_rows("sales.lead", Lead, on_erase=leads_forget_the_person))
    register_related_rows(business_rows("sales.opportunity", Opportunity))
    register_related_rows(business_rows("sales.quote", Quote))
    register_related_rows(
        business_rows("sales.commitment", Commitment, on_erase=commitments_forget_the_person)
    )
