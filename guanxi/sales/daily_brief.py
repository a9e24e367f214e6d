"""The daily sales brief (销售简报): after 18:00 each day, to each team's managers and to the
team's 企业微信 / 钉钉 / 飞书 group bot — today's new leads, quotes sent and deals won, and the
month so far against the team's target with its three best reps.

Figures only, no customer's name: the group chat is read by the whole team. Sent once per team
and day (a worker that was down catches up the same evening, not the next morning twice).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from guanxi.core.days import day_start
from guanxi.platform.models import Team, User
from guanxi.platform.notifications.services.notify import notify_once
from guanxi.sales.choices import StageOutcome
from guanxi.sales.models import Lead, Opportunity, Quote, SalesTarget

SALES_BRIEF = "sales.daily_brief"
BRIEF_HOUR = 18


def _team_figures(team: Team, day: datetime.date) -> dict[str, str]:
    start = day_start(day)
    end = start + datetime.timedelta(days=1)
    month_start = day_start(day.replace(day=1))
    won = Opportunity.objects.filter(
        team=team, stage__outcome=StageOutcome.WON, deleted_at__isnull=True
    )
    today_won = won.filter(closed_at__gte=start, closed_at__lt=end).aggregate(
        n=Count("id"), amount=Sum("amount")
    )
    month = won.filter(closed_at__gte=month_start, closed_at__lt=end)
    month_amount = month.aggregate(amount=Sum("amount"))["amount"] or Decimal(0)
    target = SalesTarget.objects.filter(team=team, month=day.replace(day=1)).first()
    best = (
        month.values("owner_id").annotate(amount=Sum("amount")).order_by("-amount", "owner_id")[:3]
    )
    names = dict(
        User.objects.filter(pk__in=[row["owner_id"] for row in best]).values_list("pk", "username")
    )
    return {
        "team": team.name,
        "date": day.isoformat(),
        "leads": str(
            Lead.objects.filter(
                team=team, created_at__gte=start, created_at__lt=end, deleted_at__isnull=True
            ).count()
        ),
        "quotes": str(
            Quote.objects.filter(
                team=team, sent_at__gte=start, sent_at__lt=end, deleted_at__isnull=True
            ).count()
        ),
        "won": str(today_won["n"]),
        "won_amount": f"{today_won['amount'] or Decimal(0):.2f}",
        "month_amount": f"{month_amount:.2f}",
        "completion": f"{month_amount / target.amount:.0%}" if target and target.amount else "—",
        "best": ", ".join(f"{names[row['owner_id']]} {row['amount']:.2f}" for row in best) or "—",
    }


def send_daily_briefs(now: datetime.datetime, _previous: datetime.datetime | None) -> int:
    """The hourly job: from 18:00 on, each team with a manager gets today's brief once."""
    local = timezone.localtime(now)
    if local.hour < BRIEF_HOUR:
        return 0
    sent = 0
    for team in Team.objects.order_by("pk"):
        managers = list(team.managers.filter(is_active=True))
        if not managers:
            continue
        sent += len(
            notify_once(
                occurrence=f"sales-brief:{team.pk}@{local.date().isoformat()}",
                kind=SALES_BRIEF,
                recipients=managers,
                actor=None,
                title=gettext_noop("Sales brief %(team)s %(date)s"),
                body=gettext_noop(
                    "Today: %(leads)s new leads, %(quotes)s quotes sent, %(won)s deals won "
                    "(%(won_amount)s). Month so far: %(month_amount)s, %(completion)s of the "
                    "target. Best: %(best)s"
                ),
                params=_team_figures(team, local.date()),
                url=reverse("rep-performance"),
                subject_type="platform.team",
                subject_id=team.pk,
            )
        )
    return sent
