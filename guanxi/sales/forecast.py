"""The sales forecast for a month or a quarter: what is won, what reps commit to, and what the
pipeline is worth weighted by each stage's probability — per rep, per team and in total — beside
the win rate each stage has really had (so a manager sees whether 60 % at "Proposal" is true).

Read-only (a selector), over the deals the viewer may see: open deals expected to close in the
period, and deals won in it.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext as _

from guanxi.core.days import day_start
from guanxi.core.errors import ServiceValidationError
from guanxi.core.money import default_currency
from guanxi.platform.models import Team, User
from guanxi.sales.choices import ForecastCategory, StageOutcome
from guanxi.sales.models import Stage
from guanxi.sales.selectors import opportunities_visible_to

# Years 1900-2199: wide enough for any sales plan, narrow enough that every date is valid.
PERIOD = re.compile(r"^((?:19|2[01])\d\d)-(?:Q([1-4])|(0[1-9]|1[0-2]))$")
CENT = Decimal("0.01")
# An amount in whole cents, summed exactly by the database (SQLite sums decimals as floats).
CENTS = Cast(Round(F("amount") * 100), BigIntegerField())


def period_range(text: str) -> tuple[datetime.date, datetime.date]:
    """``2026-Q4`` → (2026-10-01, 2027-01-01); ``2026-11`` → (2026-11-01, 2026-12-01)."""
    match = PERIOD.match(text or "")
    if match is None:
        raise ServiceValidationError.for_field(
            "period", _("Give a quarter or a month: 2026-Q4 or 2026-11.")
        )
    year = int(match.group(1))
    first_month = (int(match.group(2)) - 1) * 3 + 1 if match.group(2) else int(match.group(3))
    months = 3 if match.group(2) else 1
    start = datetime.date(year, first_month, 1)
    end_month = first_month + months
    end = datetime.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, end


@dataclass
class Figures:
    open_count: int = 0
    pipeline: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    best_case: Decimal = Decimal(0)
    commit: Decimal = Decimal(0)
    won_count: int = 0
    won: Decimal = Decimal(0)

    def add_open(self, amount: Decimal, probability: int, category: str, count: int = 1) -> None:
        """``count`` open deals at one stage and in one category, worth ``amount`` together."""
        self.open_count += count
        self.pipeline += amount
        self.weighted += amount * probability / 100
        if category == ForecastCategory.COMMIT:
            self.commit += amount
            self.best_case += amount
        elif category == ForecastCategory.BEST_CASE:
            self.best_case += amount

    def add_won(self, amount: Decimal, count: int = 1) -> None:
        self.won_count += count
        self.won += amount

    def as_dict(self) -> dict[str, Any]:
        money = ("pipeline", "weighted", "best_case", "commit", "won")
        return {
            "open_count": self.open_count,
            "won_count": self.won_count,
            **{name: str(getattr(self, name).quantize(CENT)) for name in money},
            # What the period should bring: won so far plus what reps commit to.
            "expected": str((self.won + self.commit).quantize(CENT)),
        }


@dataclass
class Forecast:
    period: str
    start: datetime.date
    end: datetime.date
    currency: str
    total: Figures = field(default_factory=Figures)
    by_owner: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_team: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    win_rates: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "end": (self.end - datetime.timedelta(days=1)).isoformat(),
            "currency": self.currency,
            "total": self.total.as_dict(),
            "by_owner": [
                {"owner": name, **figures.as_dict()}
                for name, figures in sorted(self.by_owner.items())
            ],
            "by_team": [
                {"team": name, **figures.as_dict()}
                for name, figures in sorted(self.by_team.items())
            ],
            "win_rate_by_stage": self.win_rates,
        }


def forecast(user: Any, period: str, *, owner_id: int | None = None) -> Forecast:
    start, end = period_range(period)
    start_at, end_at = day_start(start), day_start(end)
    deals = opportunities_visible_to(user)
    if owner_id:
        deals = deals.filter(owner_id=owner_id)
    # Won: in a won stage (a list of keys, so that only the deals of the period are joined to
    # their stage, for its probability, and not every deal the viewer may see).
    won_stages = Stage.objects.filter(outcome=StageOutcome.WON).values("pk")
    in_period = deals.filter(
        Q(closed_at__isnull=True, expected_close__gte=start, expected_close__lt=end)
        | Q(stage__in=won_stages, closed_at__gte=start_at, closed_at__lt=end_at)
    )
    # Summed by the database: a row per category, open or won, owner, team and probability, a
    # few hundred rows for tens of thousands of deals. The order of the keys matters to SQLite's
    # planner: led by the owner's key, or with the stage's key among them, it reads the table
    # through that index to spare sorting the groups, a random read of every row that takes
    # about twice as long as the plain scan it makes now.
    groups = list(
        in_period.order_by()
        .annotate(is_open=ExpressionWrapper(Q(closed_at__isnull=True), BooleanField()))
        .values("forecast_category", "is_open", "owner_id", "team_id", "stage__probability")
        .annotate(deals=Count("pk"), cents=Sum(CENTS))
    )
    owners = dict(
        User.objects.filter(pk__in={g["owner_id"] for g in groups}).values_list("pk", "username")
    )
    teams = dict(
        Team.objects.filter(pk__in={g["team_id"] for g in groups}).values_list("pk", "name")
    )
    result = Forecast(period=period, start=start, end=end, currency=default_currency())
    for group in groups:
        owner = owners[group["owner_id"]]
        team = teams[group["team_id"]] if group["team_id"] else _("No team")
        amount = Decimal(group["cents"]).scaleb(-2)
        for figures in (result.total, result.by_owner[owner], result.by_team[team]):
            if group["is_open"]:
                figures.add_open(
                    amount, group["stage__probability"], group["forecast_category"], group["deals"]
                )
            else:
                figures.add_won(amount, group["deals"])
    result.win_rates = win_rates_by_stage(user)
    return result


def win_rates_by_stage(user: Any) -> list[dict[str, Any]]:
    """For each open stage: of the closed deals the viewer may see that reached it, how many
    were won — the history to hold each stage's stated probability against."""
    closed = opportunities_visible_to(user).filter(closed_at__isnull=False)
    # Read from the deals to their moves (a scan of the deals, each one's moves by its key),
    # not from the moves to a list of the deals' keys, which looks every deal up a second time.
    reached = (
        closed.order_by()
        .values(to_stage=F("stage_changes__to_stage"))
        .annotate(
            reached=Count("pk", distinct=True),
            won=Count("pk", filter=Q(stage__outcome=StageOutcome.WON), distinct=True),
        )
    )
    counts = {row["to_stage"]: row for row in reached}
    stages = Stage.objects.filter(pipeline__org_id=user.org_id, outcome=StageOutcome.OPEN).order_by(
        "pipeline_id", "position"
    )
    rates = []
    for stage in stages:
        row = counts.get(stage.pk, {"reached": 0, "won": 0})
        rates.append(
            {
                "stage": stage.pk,
                "name": stage.name,
                "probability": stage.probability,
                "reached": row["reached"],
                "won": row["won"],
                "win_rate": round(row["won"] / row["reached"], 3) if row["reached"] else None,
            }
        )
    return rates
