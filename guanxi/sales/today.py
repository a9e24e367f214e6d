"""Today (待办): a rep's work bench — new leads waiting for an answer, leads and customers
about to go back to the pool, promises due or overdue (for a manager, the team's too), deals
due to close, and the quotes whose discount waits for the user's approval.

Read-only; every list is the user's own records (or, for managers, their teams'), each checked
against what the user may see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from guanxi.platform.visibility import managed_team_ids
from guanxi.sales.choices import LeadStatus
from guanxi.sales.models import Commitment, Lead, Opportunity, Pool, Quote
from guanxi.sales.pool_clock import CUSTOMER_MODELS, field_of, returning_soon, returns_on
from guanxi.sales.selectors import (
    commitment_list,
    leads_visible_to,
    opportunities_visible_to,
    quote_list,
)
from guanxi.sales.services.pools import leads_returning_soon

LIMIT = 20
SOON = datetime.timedelta(days=2)


@dataclass(frozen=True)
class Today:
    new_leads: list[Lead]
    returning: list[Lead]
    promises: list[Commitment]
    closing: list[Opportunity]
    approvals: list[Quote]
    now: datetime.datetime
    # Customers (contacts, accounts) going back to the pool soon, each with the day it goes.
    returning_customers: list[tuple[Any, str, datetime.datetime]] = ()  # type: ignore[assignment]

    @property
    def is_empty(self) -> bool:
        return not (
            self.new_leads
            or self.returning
            or self.returning_customers
            or self.promises
            or self.closing
            or self.approvals
        )


def today_for(user: Any, now: datetime.datetime | None = None) -> Today:
    now = now or timezone.now()
    mine = leads_visible_to(user).filter(owner=user, pool__isnull=True)
    new_leads = list(mine.filter(status=LeadStatus.NEW).order_by("respond_by", "pk")[:LIMIT])
    returning: list[Lead] = []
    for pool in Pool.objects.filter(org_id=user.org_id).order_by("pk"):
        soon = leads_returning_soon(pool, now).filter(owner=user)
        returning.extend(soon.order_by("followed_up_at", "pk")[:LIMIT])
    teams = managed_team_ids(user)
    whose = Q(owner=user) | Q(team_id__in=teams) if teams else Q(owner=user)
    promises = list(
        commitment_list(user, status="open")
        .filter(whose, due_at__lt=now + SOON)
        .order_by("due_at", "pk")[:LIMIT]
    )
    closing = list(
        opportunities_visible_to(user)
        .filter(
            owner=user,
            closed_at__isnull=True,
            expected_close__lte=(now + datetime.timedelta(days=7)).date(),
        )
        .select_related("stage", "account")
        .order_by("expected_close", "pk")[:LIMIT]
    )
    approvals = list(quote_list(user, awaiting_my_approval=True).order_by("pk")[:LIMIT])
    return Today(
        new_leads,
        returning[:LIMIT],
        promises,
        closing,
        approvals,
        now,
        customers_returning_soon(user, now),
    )


def customers_returning_soon(user: Any, now: datetime.datetime) -> list[tuple[Any, str, Any]]:
    """The user's customers that go back to the pool within the pool's warning days: each with
    its kind (``contact`` / ``account``) and the moment it goes."""
    found: list[tuple[Any, str, Any]] = []
    for pool in Pool.objects.filter(org_id=user.org_id, rules__isnull=False).distinct():
        for model in CUSTOMER_MODELS:
            for record in returning_soon(pool, model, now).filter(owner=user)[:LIMIT]:
                when = returns_on(pool, record)
                if when is not None:
                    found.append((record, field_of(model), when))
    return sorted(found, key=lambda item: item[2])[:LIMIT]
