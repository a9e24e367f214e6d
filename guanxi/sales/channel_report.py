"""Which channel brings buyers: per channel and campaign, the leads it brought in a period and
how far they went — qualified, converted, an opportunity, won — with the conversion at each
step and the median days from lead to customer.

Read-only over the leads the viewer may see (and the deals they may see for won revenue).
Leads are counted in the period they arrived; what became of them is counted whenever it
happened, so a period's figures keep growing as its leads mature.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.days import day_start
from guanxi.sales.choices import LeadStatus, StageOutcome
from guanxi.sales.forecast import period_range
from guanxi.sales.selectors import leads_visible_to, opportunities_visible_to


@dataclass
class Funnel:
    leads: int = 0
    qualified: int = 0
    converted: int = 0
    opportunities: int = 0
    won: int = 0
    won_revenue: Decimal = Decimal(0)
    days_to_convert: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def rate(part: int, whole: int) -> float | None:
            return round(part / whole, 3) if whole else None

        return {
            "leads": self.leads,
            "qualified": self.qualified,
            "converted": self.converted,
            "opportunities": self.opportunities,
            "won": self.won,
            "won_revenue": str(self.won_revenue.quantize(Decimal("0.01"))),
            "qualified_rate": rate(self.qualified, self.leads),
            "converted_rate": rate(self.converted, self.leads),
            "won_rate": rate(self.won, self.leads),
            "median_days_to_convert": (
                round(statistics.median(self.days_to_convert), 1) if self.days_to_convert else None
            ),
        }


def channel_report(user: Any, period: str) -> dict[str, Any]:
    start, end = period_range(period)
    leads = (
        leads_visible_to(user)
        .filter(created_at__gte=day_start(start), created_at__lt=day_start(end))
        .select_related("channel")
    )
    deals = {
        deal.pk: deal
        for deal in opportunities_visible_to(user)
        .select_related("stage")
        .filter(pk__in=leads.exclude(opportunity__isnull=True).values("opportunity_id"))
    }
    no_channel = _("No channel")
    by_channel: dict[str, Funnel] = defaultdict(Funnel)
    by_campaign: dict[tuple[str, str], Funnel] = defaultdict(Funnel)
    total = Funnel()
    for lead in leads.order_by("pk"):
        channel = lead.channel.name if lead.channel else no_channel
        funnels = [total, by_channel[channel]]
        if lead.utm_campaign:
            funnels.append(by_campaign[(channel, lead.utm_campaign)])
        deal = deals.get(lead.opportunity_id) if lead.opportunity_id else None
        for funnel in funnels:
            funnel.leads += 1
            if lead.status == LeadStatus.QUALIFIED:
                funnel.qualified += 1
            if lead.converted_at is not None:
                funnel.converted += 1
                days = (lead.converted_at - lead.created_at).total_seconds() / 86400
                funnel.days_to_convert.append(days)
            if deal is not None:
                funnel.opportunities += 1
                if deal.stage.outcome == StageOutcome.WON:
                    funnel.won += 1
                    funnel.won_revenue += deal.amount
    return {
        "period": period,
        "start": start.isoformat(),
        "end": (end - datetime.timedelta(days=1)).isoformat(),
        "total": total.as_dict(),
        "channels": [
            {"channel": name, **funnel.as_dict()} for name, funnel in sorted(by_channel.items())
        ],
        "campaigns": [
            {"channel": channel, "campaign": campaign, **funnel.as_dict()}
            for (channel, campaign), funnel in sorted(by_campaign.items())
        ],
    }
