"""Leads and deals in the customers' purge / merge / erase registry.

A deal is a fact about the business (pipeline, forecast, won revenue) whatever becomes of the
customer, so on purge it stays without its customer, and on a merge it follows the customer.
A converted lead keeps its history the same way, except on erasure: it holds the person's own
name, phones and e-mails, so a lead converted into an erased contact is anonymised too.
The people on a deal with their roles follow a merged contact and go with a purged or erased
one. Quotes are kept like deals (what was offered, at what price).
Commitments follow the customer likewise and are deleted when the person is erased.
A customer waiting in the pool cannot be merged (claim it first); a purged or erased one leaves
the pool; locks and claims follow a merge (a lock only when the survivor has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.customers.registry import (
    ANONYMISED,
    DELETED,
    REPOINTED,
    UNLINKED,
    Counts,
    CustomerRef,
    Merge,
    Moved,
    Refused,
    RelatedRows,
    business_rows,
    keep_unlinked,
    register_related_rows,
    repoint,
    repoint_back,
)
from guanxi.sales.models import (
    Commitment,
    CustomerLock,
    DealContact,
    Lead,
    LeadSearchToken,
    Opportunity,
    PoolClaim,
    PooledCustomer,
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


def pool_forgets(customer: CustomerRef) -> Counts:
    """A purged or erased customer leaves the pool and its lock; its claims stay, unlinked."""
    mine = {f"{customer.field}_id": customer.pk}
    left, _by_model = PooledCustomer.objects.filter(**mine).delete()
    unlocked, _by_model = CustomerLock.objects.filter(**mine).delete()
    unlinked = PoolClaim.objects.filter(**mine).update(**{customer.field: None})
    return {DELETED: left + unlocked, UNLINKED: unlinked}


def pool_follows(merge: Merge) -> Moved:
    field = merge.source.field
    pair = [merge.source.pk, merge.target.pk]
    if PooledCustomer.objects.filter(**{f"{field}_id__in": pair}).exists():
        raise Refused(_("A customer waiting in the pool cannot be merged: claim it first."))
    locks = CustomerLock.objects.filter(**{f"{field}_id": merge.source.pk})
    dropped = 0
    if CustomerLock.objects.filter(**{f"{field}_id": merge.target.pk}).exists():
        dropped, _by_model = locks.delete()
    moved_locks = repoint(CustomerLock.objects.all(), field, merge)
    moved_claims = repoint(PoolClaim.objects.all(), field, merge)
    pks = [f"lock:{pk}" for pk in moved_locks.pks] + [f"claim:{pk}" for pk in moved_claims.pks]
    return Moved({REPOINTED: len(pks), DELETED: dropped}, pks)


def pool_goes_back(merge: Merge, pks: Sequence[Any]) -> Counts:
    field = merge.source.field
    locks = [int(pk.split(":")[1]) for pk in pks if str(pk).startswith("lock:")]
    claims = [int(pk.split(":")[1]) for pk in pks if str(pk).startswith("claim:")]
    back = repoint_back(CustomerLock.objects.all(), field, merge, locks)[REPOINTED]
    back += repoint_back(PoolClaim.objects.all(), field, merge, claims)[REPOINTED]
    return {REPOINTED: back}


def register() -> None:
    register_related_rows(
        RelatedRows(
            label="sales.pool",
            on_purge=pool_forgets,
            on_merge=pool_follows,
            on_unmerge=pool_goes_back,
            on_erase=pool_forgets,
        )
    )
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
