"""Statuses, channels and audit verbs of sales."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    WORKING = "working", _("Working")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")


# The channels every organisation starts with; administrators add their own (``Channel``).
DEFAULT_CHANNELS = (
    ("web_form", _("Web form")),
    ("trade_show", _("Trade show")),
    ("referral", _("Referral")),
    ("phone", _("Phone")),
    ("wechat", _("WeChat")),
    ("email", _("E-mail")),
    ("api", _("API")),
    ("import", _("Import")),
    ("advertising", _("Advertising")),
)


class PoolRuleKind(models.TextChoices):
    """What a customer must have had within a pool rule's days to stay with its owner."""

    FOLLOW_UP = "follow_up", _("a follow-up")
    OPPORTUNITY = "opportunity", _("a new opportunity")
    DEAL = "deal", _("a deal won or an order")


class StageOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class ForecastCategory(models.TextChoices):
    """Set by the rep on each open deal: how sure they are it closes in its period."""

    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    OMITTED = "omitted", _("Omitted")


class DealRole(models.TextChoices):
    """Who a person is in a B2B purchase: several people decide, and a rep must know each."""

    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    OTHER = "other", _("Other")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Replaced by a new version")


OPEN_QUOTE_STATUSES = (QuoteStatus.DRAFT, QuoteStatus.SENT)


class ApprovalStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


# The pipeline every organisation starts with: (name, probability %, outcome).
DEFAULT_STAGES = (
    (_("Prospecting"), 10, StageOutcome.OPEN),
    (_("Qualification"), 20, StageOutcome.OPEN),
    (_("Needs analysis"), 40, StageOutcome.OPEN),
    (_("Proposal"), 60, StageOutcome.OPEN),
    (_("Negotiation"), 80, StageOutcome.OPEN),
    (_("Won"), 100, StageOutcome.WON),
    (_("Lost"), 0, StageOutcome.LOST),
)


VERB_LABELS = {
    "sales.lead.created": gettext_noop("Lead created"),
    "sales.lead.updated": gettext_noop("Lead updated"),
    "sales.lead.converted": gettext_noop("Lead converted"),
    "sales.lead.deleted": gettext_noop("Lead deleted"),
    "sales.lead_form.created": gettext_noop("Web form created"),
    "sales.pool.created": gettext_noop("Pool created"),
    "sales.pool.rules_changed": gettext_noop("Pool rules changed"),
    "sales.lead.claimed": gettext_noop("Lead claimed from the pool"),
    "sales.lead.returned": gettext_noop("Lead returned to the pool"),
    "sales.customer.claimed": gettext_noop("Customer claimed from the pool"),
    "sales.customer.returned": gettext_noop("Customer returned to the pool"),
    "sales.customer.released": gettext_noop("Customer released to the pool"),
    "sales.customer.locked": gettext_noop("Customer locked"),
    "sales.customer.unlocked": gettext_noop("Customer unlocked"),
    "sales.lead.released": gettext_noop("Lead released to the pool"),
    "sales.lead.locked": gettext_noop("Lead locked"),
    "sales.lead.unlocked": gettext_noop("Lead unlocked"),
    "sales.commitment.created": gettext_noop("Promise made"),
    "sales.commitment.kept": gettext_noop("Promise kept"),
    "sales.commitment.broken": gettext_noop("Promise broken"),
    "sales.commitment.cancelled": gettext_noop("Promise cancelled"),
    "sales.commitment.handed_over": gettext_noop("Commitment handed over"),
    "sales.opportunity.created": gettext_noop("Opportunity created"),
    "sales.opportunity.updated": gettext_noop("Opportunity updated"),
    "sales.opportunity.stage_changed": gettext_noop("Opportunity moved to another stage"),
    "sales.opportunity.contact_set": gettext_noop("Person's role on the deal set"),
    "sales.opportunity.contact_removed": gettext_noop("Person removed from the deal"),
    "sales.assignment_rule.created": gettext_noop("Assignment rule added"),
    "sales.scoring_rule.created": gettext_noop("Scoring rule added"),
    "sales.target.set": gettext_noop("Sales target set"),
    "sales.visit.checked_in": gettext_noop("Visit: checked in"),
    "sales.quote.created": gettext_noop("Quote created"),
    "sales.quote.updated": gettext_noop("Quote changed"),
    "sales.quote.revised": gettext_noop("Quote revised"),
    "sales.quote.approval_requested": gettext_noop("Discount approval requested"),
    "sales.quote.approved": gettext_noop("Discount approved"),
    "sales.quote.refused": gettext_noop("Discount refused"),
    "sales.quote.sent": gettext_noop("Quote sent"),
    "sales.quote.accepted": gettext_noop("Quote accepted"),
    "sales.quote.rejected": gettext_noop("Quote rejected"),
    "sales.quote.expired": gettext_noop("Quote expired"),
    "sales.discount_limit.set": gettext_noop("Discount limit set"),
}
