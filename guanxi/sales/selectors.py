"""Reads for sales: every list applies the viewer's visibility to each lead and deal it shows."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from guanxi.core.days import day_start
from guanxi.customers import search
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to, matching_ids
from guanxi.platform.visibility import managed_team_ids, visible_filter
from guanxi.sales.choices import ApprovalStatus, LeadStatus, QuoteStatus
from guanxi.sales.models import (
    Channel,
    Commitment,
    CommitmentStatus,
    DealContact,
    Lead,
    LeadSearchToken,
    Opportunity,
    Pipeline,
    Quote,
    Visit,
)
from guanxi.sales.permissions import SalesPermission

OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING)


def leads_visible_to(user: Any, *, deleted: bool = False) -> QuerySet[Lead]:
    return Lead.objects.filter(visible_filter(user, Lead), deleted_at__isnull=not deleted)


def lead_search_ids(user: Any, raw_query: str, *, limit: int = 200) -> list[int]:
    query = search.parse_query(raw_query)
    if query.is_empty:
        return []
    return matching_ids(LeadSearchToken, "lead", query, limit, leads_visible_to(user))


def lead_list(
    user: Any,
    *,
    q: str = "",
    status: str = "",
    owner_id: int | None = None,
    channel: str = "",
    updated_since: datetime.datetime | None = None,
    in_pool: bool | None = None,
) -> QuerySet[Lead]:
    leads = leads_visible_to(user)
    if in_pool is not None:
        leads = leads.filter(pool__isnull=not in_pool)
    if q:
        leads = leads.filter(pk__in=lead_search_ids(user, q))
    if status:
        leads = leads.filter(status=status)
    if owner_id:
        leads = leads.filter(owner_id=owner_id)
    if channel:
        leads = leads.filter(channel__code=channel)
    if updated_since:
        leads = leads.filter(updated_at__gte=updated_since)
    return leads.select_related("owner", "channel", "pool", "contact", "account")


def channels_of(org_id: int) -> QuerySet[Channel]:
    return Channel.objects.filter(org_id=org_id, active=True).order_by("pk")


def opportunities_visible_to(user: Any, *, deleted: bool = False) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(
        visible_filter(user, Opportunity), deleted_at__isnull=not deleted
    )


def opportunity_list(
    user: Any,
    *,
    pipeline_id: int | None = None,
    stage_id: int | None = None,
    owner_id: int | None = None,
    is_open: bool | None = None,
    updated_since: datetime.datetime | None = None,
) -> QuerySet[Opportunity]:
    deals = opportunities_visible_to(user)
    if pipeline_id:
        deals = deals.filter(pipeline_id=pipeline_id)
    if stage_id:
        deals = deals.filter(stage_id=stage_id)
    if owner_id:
        deals = deals.filter(owner_id=owner_id)
    if is_open is not None:
        deals = deals.filter(closed_at__isnull=is_open)
    if updated_since:
        deals = deals.filter(updated_at__gte=updated_since)
    return deals.select_related("owner", "stage", "pipeline", "account", "contact")


def pipelines_of(org_id: int) -> QuerySet[Pipeline]:
    return Pipeline.objects.filter(org_id=org_id).prefetch_related("stages")


def visible_links(user: Any, records: list[Any]) -> set[tuple[str, int]]:
    """Which customers and deals that these leads or deals point at ``user`` may see, as
    ``(kind, pk)``: a visible record never names a hidden one."""
    wanted: dict[str, set[int]] = {"contact": set(), "account": set(), "opportunity": set()}
    for record in records:
        for kind in wanted:
            pk = getattr(record, f"{kind}_id", None)
            if pk:
                wanted[kind].add(pk)
    readers = {
        "contact": contacts_visible_to,
        "account": accounts_visible_to,
        "opportunity": opportunities_visible_to,
    }
    shown: set[tuple[str, int]] = set()
    for kind, ids in wanted.items():
        if ids:
            visible = readers[kind](user).filter(pk__in=ids).values_list("pk", flat=True)
            shown.update((kind, pk) for pk in visible)
    return shown


def commitment_list(
    user: Any,
    *,
    overdue: bool | None = None,
    status: str = "",
    contact_id: int | None = None,
    owner_id: int | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Commitment]:
    """Commitments the user may see whose customer the user may see too (a promise names its
    customer)."""
    commitments = Commitment.objects.filter(
        visible_filter(user, Commitment),
        deleted_at__isnull=True,
        contact__in=contacts_visible_to(user),
    )
    now = now or timezone.now()
    if overdue is True:
        commitments = commitments.filter(status=CommitmentStatus.OPEN, due_at__lt=now)
    elif overdue is False:
        commitments = commitments.exclude(status=CommitmentStatus.OPEN, due_at__lt=now)
    if status:
        commitments = commitments.filter(status=status)
    if contact_id:
        commitments = commitments.filter(contact_id=contact_id)
    if owner_id:
        commitments = commitments.filter(owner_id=owner_id)
    return commitments.select_related("owner", "contact")


def quotes_visible_to(user: Any) -> QuerySet[Quote]:
    """Quotes the user may see whose customer the user may see too (a quote names its customer
    and its prices)."""
    return Quote.objects.filter(
        visible_filter(user, Quote),
        Q(contact__isnull=True) | Q(contact__in=contacts_visible_to(user)),
        Q(account__isnull=True) | Q(account__in=accounts_visible_to(user)),
        deleted_at__isnull=True,
    ).select_related("owner", "account", "contact", "opportunity", "approved_by", "order")


def quote_list(
    user: Any,
    *,
    status: str = "",
    opportunity_id: int | None = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    awaiting_my_approval: bool = False,
) -> QuerySet[Quote]:
    quotes = quotes_visible_to(user)
    if status:
        quotes = quotes.filter(status=status)
    if opportunity_id:
        quotes = quotes.filter(opportunity_id=opportunity_id)
    if account_id:
        quotes = quotes.filter(account_id=account_id)
    if contact_id:
        quotes = quotes.filter(contact_id=contact_id)
    if awaiting_my_approval:
        quotes = quotes.filter(status=QuoteStatus.DRAFT, approval=ApprovalStatus.PENDING)
        if not user.has_role_permission(SalesPermission.APPROVE_DISCOUNTS):
            return quotes.none()
        if not user.is_administrator:
            quotes = quotes.filter(team_id__in=managed_team_ids(user)).exclude(owner_id=user.pk)
    return quotes


def quotes_of_customer(user: Any, record: Any, *, limit: int = 20) -> list[Quote]:
    """A customer's quote history, newest first (a company's includes its contacts' quotes)."""
    field = "account" if record._meta.model_name == "account" else "contact"
    return list(quotes_visible_to(user).filter(**{field: record}).order_by("-pk")[:limit])


def deal_people(user: Any, deal: Opportunity) -> list[DealContact]:
    """The people on a deal whom the user may see, with their roles."""
    return list(
        DealContact.objects.filter(opportunity=deal, contact__in=contacts_visible_to(user))
        .select_related("contact")
        .order_by("pk")
    )


def time_in_stages(deal: Opportunity, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Each stay of the deal in a stage, oldest first: stage, entered, left (None while there)
    and seconds spent."""
    now = now or timezone.now()
    changes = list(deal.stage_changes.select_related("to_stage").order_by("changed_at", "pk"))
    stays = []
    for index, change in enumerate(changes):
        left = changes[index + 1].changed_at if index + 1 < len(changes) else None
        end = left or (deal.closed_at if deal.closed_at else now)
        stays.append(
            {
                "stage": change.to_stage.name,
                "entered_at": change.changed_at,
                "left_at": left,
                "seconds": max(0, int((end - change.changed_at).total_seconds())),
            }
        )
    return stays


def visits_visible_to(user: Any) -> QuerySet[Visit]:
    """Visits the user may see at customers the user may see (a visit names its customer)."""
    return Visit.objects.filter(
        visible_filter(user, Visit),
        Q(contact__isnull=True) | Q(contact__in=contacts_visible_to(user)),
        Q(account__isnull=True) | Q(account__in=accounts_visible_to(user)),
    ).select_related("owner", "contact", "account")


def visits_of_day(user: Any, day: datetime.date, owner_id: int | None = None) -> list[Visit]:
    start = day_start(day)
    visits = visits_visible_to(user).filter(
        checked_in_at__gte=start, checked_in_at__lt=start + datetime.timedelta(days=1)
    )
    if owner_id:
        visits = visits.filter(owner_id=owner_id)
    return list(visits.order_by("owner__username", "checked_in_at"))
