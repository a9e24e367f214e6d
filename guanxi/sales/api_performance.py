"""Rep performance, targets and the leaderboard in the API: ``GET /api/v1/rep-performance``,
``GET /api/v1/leaderboard``, ``POST /api/v1/sales-targets``."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from guanxi.core.money import decimal_string
from guanxi.customers.api.common import active_colleague
from guanxi.platform.api_support import WITH_BODY, Amount, Body, answers, get_visible
from guanxi.platform.models import Team
from guanxi.sales.rep_performance import leaderboard, rep_performance
from guanxi.sales.schemas import PeriodFilters
from guanxi.sales.services.targets import target_set

router = Router(tags=["sales"])
MONTH = re.compile(r"^((?:19|2[01])\d\d)-(0[1-9]|1[0-2])$")


class RepOut(Schema):
    username: str
    name: str
    won: int
    lost: int
    win_rate: float | None
    won_amount: str
    average_deal: str | None
    median_cycle_days: float | None
    promises_kept: float | None = Field(description="Kept of those due: kept, broken, overdue")
    more: dict[str, Any] = Field(description="Figures other modules contribute")


class StandingOut(Schema):
    rank: int
    name: str
    won_amount: str
    target: str | None
    completion: float | None


class LeaderboardOut(Schema):
    period: str
    reps: list[StandingOut]
    teams: list[StandingOut]


class TargetIn(Body):
    month: Annotated[str, StringConstraints(pattern=MONTH.pattern)] = Field(examples=["2026-12"])
    amount: Amount
    user: Annotated[str, StringConstraints(max_length=150)] = Field("", description="User name")
    team_id: uuid.UUID | None = None


class TargetOut(Schema):
    month: str
    amount: str
    user: str | None
    team_id: uuid.UUID | None


@router.get(
    "/rep-performance",
    response=answers({200: list[RepOut]}),
    summary="Each rep's win rate, cycle, deal size and promises kept in a period",
)
def get_rep_performance(request: HttpRequest, filters: Query[PeriodFilters]) -> Any:
    return [
        {
            "username": row.username,
            "name": row.name,
            "won": row.won,
            "lost": row.lost,
            "win_rate": row.win_rate,
            "won_amount": decimal_string(row.won_amount),
            "average_deal": decimal_string(row.average_deal),
            "median_cycle_days": row.median_cycle_days,
            "promises_kept": row.promises_kept,
            "more": row.extra,
        }
        for row in rep_performance(request.user, filters.period)
    ]


def _standing(standing: Any) -> dict[str, Any]:
    return {
        "rank": standing.rank,
        "name": standing.name,
        "won_amount": decimal_string(standing.won_amount),
        "target": decimal_string(standing.target),
        "completion": standing.completion,
    }


@router.get(
    "/leaderboard",
    response=answers({200: LeaderboardOut}),
    summary="Won revenue against the targets, per rep and per team",
)
def get_leaderboard(request: HttpRequest, filters: Query[PeriodFilters]) -> Any:
    board = leaderboard(request.user, filters.period)
    return {
        "period": filters.period,
        "reps": [_standing(s) for s in board["reps"]],
        "teams": [_standing(s) for s in board["teams"]],
    }


@router.post(
    "/sales-targets",
    response=answers({200: TargetOut}, 403, 404, *WITH_BODY),
    summary="Set a rep's or a team's target for a month (replaces the month's target)",
)
def set_target(request: HttpRequest, payload: TargetIn) -> dict[str, Any]:
    org_id = int(request.user.org_id)  # type: ignore[union-attr, arg-type]
    match = MONTH.match(payload.month)
    assert match is not None  # the schema checked the pattern
    month = datetime.date(int(match.group(1)), int(match.group(2)), 1)
    user = team = None
    if payload.user:
        user = active_colleague(request, payload.user)
    if payload.team_id:
        team = get_visible(Team.objects.filter(org_id=org_id), payload.team_id)
    row = target_set(actor=request.user, month=month, amount=payload.amount, user=user, team=team)
    return {
        "month": payload.month,
        "amount": decimal_string(row.amount),
        "user": user.username if user else None,
        "team_id": team.public_id if team else None,
    }
