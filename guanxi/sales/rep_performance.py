"""For the manager choosing who gets the big deal: each rep's win rate, sales cycle, average deal
size and promises kept over a period, with whatever other modules measure (the satisfaction of
the rep's customers, from service) through :mod:`guanxi.platform.rep_metrics`; and the month's
leaderboard against the targets (业绩目标).

Read-only, over the deals and commitments the viewer may see.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import Q
from django.utils import timezone

from guanxi.core.days import day_start
from guanxi.platform.models import Team, User
from guanxi.platform.rep_metrics import registered_rep_metrics
from guanxi.platform.visibility import managed_team_ids
from guanxi.sales.choices import StageOutcome
from guanxi.sales.forecast import period_range
from guanxi.sales.models import CommitmentStatus, SalesTarget
from guanxi.sales.selectors import commitment_list, opportunities_visible_to

CENT = Decimal("0.01")


def _moments(
    period: str,
) -> tuple[datetime.date, datetime.date, datetime.datetime, datetime.datetime]:
    start, end = period_range(period)
    return start, end, day_start(start), day_start(end)


@dataclass
class RepRow:
    user_id: int
    username: str
    name: str
    won: int = 0
    lost: int = 0
    won_amount: Decimal = Decimal(0)
    cycle_days: list[float] = field(default_factory=list)
    kept: int = 0
    broken: int = 0
    overdue: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return round(self.won / closed, 3) if closed else None

    @property
    def average_deal(self) -> Decimal | None:
        return (self.won_amount / self.won).quantize(CENT) if self.won else None

    @property
    def median_cycle_days(self) -> float | None:
        return round(median(self.cycle_days), 1) if self.cycle_days else None

    @property
    def promises_kept(self) -> float | None:
        due = self.kept + self.broken + self.overdue
        return round(self.kept / due, 3) if due else None


def rep_performance(user: Any, period: str) -> list[RepRow]:
    _start, _end, start_at, end_at = _moments(period)
    closed = (
        opportunities_visible_to(user)
        .filter(closed_at__gte=start_at, closed_at__lt=end_at)
        .values_list("owner_id", "stage__outcome", "amount", "created_at", "closed_at")
    )
    rows: dict[int, RepRow] = {}

    def row_for(owner_id: int) -> RepRow:
        if owner_id not in rows:
            rows[owner_id] = RepRow(owner_id, "", "")
        return rows[owner_id]

    for owner_id, outcome, amount, created, closed_at in closed:
        row = row_for(owner_id)
        if outcome == StageOutcome.WON:
            row.won += 1
            row.won_amount += amount
            if closed_at is not None:
                row.cycle_days.append((closed_at - created).total_seconds() / 86400)
        elif outcome == StageOutcome.LOST:
            row.lost += 1
    now = timezone.now()
    promises = commitment_list(user).filter(due_at__gte=start_at, due_at__lt=end_at)
    for owner_id, status, due_at in promises.values_list("owner_id", "status", "due_at"):
        row = row_for(owner_id)
        if status == CommitmentStatus.KEPT:
            row.kept += 1
        elif status == CommitmentStatus.BROKEN:
            row.broken += 1
        elif status == CommitmentStatus.OPEN and due_at < now:
            row.overdue += 1
    for person in User.objects.filter(pk__in=rows):
        rows[person.pk].username, rows[person.pk].name = person.username, person.display_name
    for metric in registered_rep_metrics():
        values = metric.compute(user, list(rows), start_at, end_at)
        for owner_id, row in rows.items():
            row.extra[metric.key] = values.get(owner_id)
    return sorted(rows.values(), key=lambda row: (-row.won_amount, row.username))


def _scope(user: Any) -> set[int] | None:
    """The teams whose standings the user reads: ``None`` for everyone (administrators)."""
    if user.is_administrator:
        return None
    teams = set(managed_team_ids(user))
    if user.team_id:
        teams.add(user.team_id)
    return teams


@dataclass
class Standing:
    name: str
    won_amount: Decimal
    target: Decimal | None
    rank: int = 0

    @property
    def completion(self) -> float | None:
        return round(float(self.won_amount / self.target), 3) if self.target else None


def leaderboard(user: Any, period: str) -> dict[str, list[Standing]]:
    """The month's (or quarter's) won revenue per rep and per team beside their targets, over
    the viewer's scope: their own team and the teams they manage (everyone for administrators),
    so figures and targets are counted over the same people. Ties share a rank (1, 1, 3)."""
    start, end, start_at, end_at = _moments(period)
    team_ids = _scope(user)
    people = User.objects.filter(org_id=user.org_id)
    if team_ids is not None:
        people = people.filter(Q(team_id__in=team_ids) | Q(pk=user.pk))
    in_scope = set(people.values_list("pk", flat=True))
    won = opportunities_visible_to(user).filter(
        stage__outcome=StageOutcome.WON,
        closed_at__gte=start_at,
        closed_at__lt=end_at,
        owner_id__in=in_scope,
    )
    by_rep: dict[int, Decimal] = defaultdict(Decimal)
    by_team: dict[int, Decimal] = defaultdict(Decimal)
    for owner_id, team_id, amount in won.values_list("owner_id", "team_id", "amount"):
        by_rep[owner_id] += amount
        if team_id:
            by_team[team_id] += amount
    targets = SalesTarget.objects.filter(org_id=user.org_id, month__gte=start, month__lt=end)
    if team_ids is not None:
        targets = targets.filter(Q(user_id__in=in_scope) | Q(team_id__in=team_ids))
    rep_targets: dict[int, Decimal] = defaultdict(Decimal)
    team_targets: dict[int, Decimal] = defaultdict(Decimal)
    for target in targets:
        if target.user_id:
            rep_targets[target.user_id] += target.amount
        elif target.team_id:
            team_targets[target.team_id] += target.amount
    sellers = people.filter(pk__in=set(by_rep) | set(rep_targets)).order_by("username")
    reps = [
        Standing(person.display_name, by_rep.get(person.pk, Decimal(0)), rep_targets.get(person.pk))
        for person in sellers
    ]
    shown_teams = set(by_team) | set(team_targets)
    if team_ids is not None:
        shown_teams &= team_ids
    teams = [
        Standing(team.name, by_team.get(team.pk, Decimal(0)), team_targets.get(team.pk))
        for team in Team.objects.filter(pk__in=shown_teams, org_id=user.org_id).order_by("name")
    ]
    for standings in (reps, teams):
        standings.sort(key=lambda s: (-s.won_amount, s.name))
        for place, standing in enumerate(standings, start=1):
            tied = place > 1 and standings[place - 2].won_amount == standing.won_amount
            standing.rank = standings[place - 2].rank if tied else place
    return {"reps": reps, "teams": teams}
