"""What sales hands over when a colleague leaves: open leads, open deals, open quotes, open
commitments.

Registered after the customers' kinds, so a deal follows its company's (or contact's) new owner
and a lead goes round-robin. Converted and disqualified leads and closed deals stay where they
are: they are history, not work anyone must pick up.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from guanxi.customers.models import Account, Contact
from guanxi.platform.handover import (
    Handover,
    HandoverKind,
    register_handover_kind,
    register_team_follower,
)
from guanxi.platform.handover_moves import (
    move_owned_records,
    owned_by,
    records_follow_owner_team,
)
from guanxi.platform.models import User
from guanxi.platform.verbs import register_verb_labels
from guanxi.sales.choices import OPEN_QUOTE_STATUSES
from guanxi.sales.models import Commitment, CommitmentStatus, Lead, Opportunity, Quote
from guanxi.sales.selectors import OPEN_LEAD_STATUSES

VERB_LABELS = {
    "sales.lead.handed_over": gettext_noop("Lead handed over"),
    "sales.opportunity.handed_over": gettext_noop("Opportunity handed over"),
    "sales.quote.handed_over": gettext_noop("Quote handed over"),
}


def _open_leads(user: User) -> QuerySet[Lead]:
    return owned_by(Lead, user).filter(status__in=OPEN_LEAD_STATUSES)


def _open_deals(user: User) -> QuerySet[Opportunity]:
    return owned_by(Opportunity, user).filter(closed_at__isnull=True)


def _open_commitments(user: User) -> QuerySet[Commitment]:
    return owned_by(Commitment, user).filter(status=CommitmentStatus.OPEN)


def move_commitments(handover: Handover) -> dict[int, int]:
    """A promise moves with the customer: to whoever now owns the contact, when a target."""
    open_ones = _open_commitments(handover.from_user)
    contact_owners = dict(
        Contact.objects.filter(pk__in=open_ones.values("contact_id")).values_list("pk", "owner_id")
    )
    return move_owned_records(
        handover,
        open_ones,
        "sales.commitment.handed_over",
        lambda item: contact_owners.get(item.contact_id),
    )


def _open_quotes(user: User) -> QuerySet[Quote]:
    return owned_by(Quote, user).filter(status__in=OPEN_QUOTE_STATUSES)


def move_quotes(handover: Handover) -> dict[int, int]:
    """A quote goes with its deal (moved before it), else with its company or contact."""
    quotes = _open_quotes(handover.from_user)
    deal_owners = dict(
        Opportunity.objects.filter(pk__in=quotes.values("opportunity_id")).values_list(
            "pk", "owner_id"
        )
    )
    account_owners = dict(
        Account.objects.filter(pk__in=quotes.values("account_id")).values_list("pk", "owner_id")
    )
    contact_owners = dict(
        Contact.objects.filter(pk__in=quotes.values("contact_id")).values_list("pk", "owner_id")
    )
    return move_owned_records(
        handover,
        quotes,
        "sales.quote.handed_over",
        lambda quote: (
            deal_owners.get(quote.opportunity_id)
            or account_owners.get(quote.account_id)
            or contact_owners.get(quote.contact_id)
        ),
    )


def move_leads(handover: Handover) -> dict[int, int]:
    return move_owned_records(
        handover, _open_leads(handover.from_user), "sales.lead.handed_over", lambda _lead: None
    )


def move_opportunities(handover: Handover) -> dict[int, int]:
    """A deal goes to whoever now owns its company, else its contact, when that is a target."""
    deals = _open_deals(handover.from_user)
    account_owners = dict(
        Account.objects.filter(pk__in=deals.values("account_id")).values_list("pk", "owner_id")
    )
    contact_owners = dict(
        Contact.objects.filter(pk__in=deals.values("contact_id")).values_list("pk", "owner_id")
    )
    return move_owned_records(
        handover,
        deals,
        "sales.opportunity.handed_over",
        lambda deal: account_owners.get(deal.account_id) or contact_owners.get(deal.contact_id),
    )


def register() -> None:
    register_verb_labels(VERB_LABELS)
    register_team_follower(records_follow_owner_team(Lead, Opportunity, Quote, Commitment))
    register_handover_kind(
        HandoverKind(
            key="leads",
            label=gettext_noop("Open leads"),
            count=lambda user: _open_leads(user).count(),
            move=move_leads,
        )
    )
    register_handover_kind(
        HandoverKind(
            key="opportunities",
            label=gettext_noop("Open opportunities"),
            count=lambda user: _open_deals(user).count(),
            move=move_opportunities,
        )
    )
    register_handover_kind(
        HandoverKind(
            key="quotes",
            label=gettext_noop("Open quotes"),
            count=lambda user: _open_quotes(user).count(),
            move=move_quotes,
        )
    )
    register_handover_kind(
        HandoverKind(
            key="commitments",
            label=gettext_noop("Open commitments"),
            count=lambda user: _open_commitments(user).count(),
            move=move_commitments,
        )
    )
