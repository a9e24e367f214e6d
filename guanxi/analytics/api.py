"""Scores over the API: per customer (filtered, visible customers only) and the latest report."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from guanxi.analytics.explain import reason_text
from guanxi.analytics.permissions import AnalyticsPermission
from guanxi.analytics.report import latest_report
from guanxi.analytics.selectors import NO_FILTER, at_risk_scores, scores_in_scope
from guanxi.analytics.services.queue import score_refresh_queue
from guanxi.core.errors import NotFoundError, PermissionDeniedError
from guanxi.core.money import DecimalString
from guanxi.core.pagination import MAX_LIMIT
from guanxi.customers.choices import GridCell, RfmSegment, ValueQuadrant
from guanxi.customers.models import CustomerScore
from guanxi.platform.api_support import WITH_BODY, Body, IsoDate, PageArgs, answers, page_of

router = Router(tags=["analytics"])


class ScoreFilters(PageArgs):
    customer: uuid.UUID | None = None
    segment: RfmSegment | None = None
    value_group: ValueQuadrant | None = None
    grid_cell: GridCell | None = None
    at_risk: bool | None = Field(None, description="Only customers with a churn warning")


class ScoreOut(Schema):
    customer: uuid.UUID
    customer_name: str
    as_of: datetime.date
    purchase_days: int
    orders: int
    historical_value: DecimalString
    current_value: DecimalString
    recency_days: int | None
    rfm: str | None = Field(description="R, F and M scores, 1 (low) to 5 (best)")
    rfm_segment: str
    p_alive: float | None
    expected_purchases: float | None
    clv: DecimalString | None
    potential_value: DecimalString | None
    value_group: str
    grid_cell: str
    previous_grid_cell: str
    churn_risk: float
    churn_reasons: list[dict[str, Any]]


class ScorePage(Schema):
    items: list[ScoreOut]
    next_cursor: str | None


def score_out(score: CustomerScore) -> dict[str, Any]:
    rfm = (
        f"{score.rfm_recency}{score.rfm_frequency}{score.rfm_monetary}"
        if score.rfm_recency
        else None
    )
    return {
        "customer": score.contact.public_id,
        "customer_name": score.contact.name,
        "as_of": score.as_of,
        "purchase_days": score.purchase_days,
        "orders": score.orders,
        "historical_value": score.historical_value,
        "current_value": score.current_value,
        "recency_days": score.recency_days,
        "rfm": rfm,
        "rfm_segment": score.rfm_segment,
        "p_alive": score.p_alive,
        "expected_purchases": score.expected_purchases,
        "clv": score.clv,
        "potential_value": score.potential_value,
        "value_group": score.value_quadrant,
        "grid_cell": score.grid_cell,
        "previous_grid_cell": score.previous_grid_cell,
        "churn_risk": score.churn_risk,
        "churn_reasons": score.churn_reasons,
    }


@router.get(
    "/scores",
    response=answers({200: ScorePage}),
    summary="Customer scores of the customers you can see",
)
def list_scores(request: HttpRequest, filters: Query[ScoreFilters]) -> dict[str, Any]:
    scores = scores_in_scope(request.user, NO_FILTER).select_related("contact")
    if filters.customer:
        scores = scores.filter(contact__public_id=filters.customer)
    if filters.segment:
        scores = scores.filter(rfm_segment=filters.segment)
    if filters.value_group:
        scores = scores.filter(value_quadrant=filters.value_group)
    if filters.grid_cell:
        scores = scores.filter(grid_cell=filters.grid_cell)
    if filters.at_risk is not None:
        at_risk = scores.exclude(churn_reasons=[])
        scores = at_risk if filters.at_risk else scores.exclude(pk__in=at_risk.values("pk"))
    return page_of(scores, filters, score_out)


class AtRiskOut(ScoreOut):
    reasons_text: list[str]


class AtRiskFilters(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


@router.get(
    "/scores/at-risk",
    response=answers({200: list[AtRiskOut]}),
    summary="Customers at risk of leaving, most at risk first, with reasons in words",
)
def at_risk(request: HttpRequest, filters: Query[AtRiskFilters]) -> list[dict[str, Any]]:
    scores = at_risk_scores(request.user, limit=filters.limit)
    return [
        {**score_out(s), "reasons_text": [reason_text(r) for r in s.churn_reasons]} for s in scores
    ]


def _analyst_org(request: HttpRequest) -> int:
    """The organisation of a user allowed to see and refresh organisation-wide figures."""
    user: Any = request.user
    if not user.has_role_permission(AnalyticsPermission.REFRESH_ANALYTICS):
        raise PermissionDeniedError(_("Only managers and administrators see the whole report."))
    return int(user.org_id)


@router.get(
    "/analytics/report",
    response=answers({200: dict[str, Any]}, 403, 404),
    summary="The latest refresh: fitted models and counts",
)
def analytics_report(request: HttpRequest) -> dict[str, Any]:
    report = latest_report(_analyst_org(request))
    if report is None:
        raise NotFoundError(_("No scores yet: run a refresh first."))
    return report


class RefreshIn(Body):
    as_of: IsoDate | None = None


class RefreshOut(Schema):
    queued: bool
    as_of: datetime.date | None
    refresh: uuid.UUID


@router.post(
    "/analytics/refresh",
    response=answers({202: RefreshOut}, 403, 409, *WITH_BODY),
    summary="Queue a refresh of all scores (409 while one is queued or running)",
)
def analytics_refresh(request: HttpRequest, payload: RefreshIn) -> Status:
    _analyst_org(request)
    refresh = score_refresh_queue(actor=request.user, as_of=payload.as_of)
    as_of = payload.as_of.isoformat() if payload.as_of else None
    assert refresh is not None  # "refuse" raises rather than skipping
    return Status(202, {"queued": True, "as_of": as_of, "refresh": str(refresh.public_id)})
