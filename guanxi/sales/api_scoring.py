"""Lead scores in the API: ``GET /api/v1/leads/{id}/score`` (both halves, item by item),
``GET/POST /api/v1/lead-scoring/rules`` and ``GET /api/v1/lead-scoring/calibration``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field, Strict, StringConstraints

from guanxi.platform.api_support import WITH_BODY, Body, NonBlank, answers, get_visible
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.platform.records import require_permission
from guanxi.sales import selectors
from guanxi.sales.lead_scoring import calibration, lead_score
from guanxi.sales.models import LeadScoringRule, ScoringField, ScoringKind
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.scoring import scoring_rule_create

router = Router(tags=["sales"])


class RuleItemOut(Schema):
    label: str
    kind: str
    points: int


class FactorOut(Schema):
    field: str
    value: str
    factor: float = Field(description="How many times likelier this value made conversion")


class LearnedOut(Schema):
    probability: float
    base_rate: float
    items: list[FactorOut]
    trained_on: int


class ScoreOut(Schema):
    points: int
    rules: list[RuleItemOut]
    learned: LearnedOut | None = Field(description="null until the history is long enough")


class ScoringRuleIn(Body):
    label: NonBlank
    kind: ScoringKind
    field: ScoringField
    contains: Annotated[str, StringConstraints(max_length=100)] = ""
    points: Annotated[int, Strict()] = Field(ge=-100, le=100)


class ScoringRuleOut(Schema):
    id: uuid.UUID
    label: str
    kind: str
    field: str
    contains: str
    points: int


class BinOut(Schema):
    decile: int
    leads: int
    predicted: float
    actual: float


class ChannelBinOut(Schema):
    channel: str
    leads: int
    predicted: float
    actual: float


class CalibrationOut(Schema):
    usable: bool
    leads: int
    deciles: list[BinOut]
    channels: list[ChannelBinOut]
    brier: float | None


def rule_out(rule: LeadScoringRule) -> dict[str, Any]:
    return {
        name: getattr(rule, name) for name in ("label", "kind", "field", "contains", "points")
    } | {"id": rule.public_id}


@router.get(
    "/leads/{lead_id}/score",
    response=answers({200: ScoreOut}, 404),
    summary="A lead's score, item by item: the rules' points and the learned chance",
)
def get_lead_score(request: HttpRequest, lead_id: uuid.UUID) -> Any:
    lead = get_visible(selectors.leads_visible_to(request.user), lead_id)
    return lead_score(lead)


@router.get(
    "/lead-scoring/rules", response=answers({200: list[ScoringRuleOut]}), summary="Scoring rules"
)
def list_scoring_rules(request: HttpRequest) -> list[dict[str, Any]]:
    rules = LeadScoringRule.objects.filter(org_id=request.user.org_id)  # type: ignore[union-attr]
    return [rule_out(rule) for rule in rules]


@router.post(
    "/lead-scoring/rules",
    response=answers({201: ScoringRuleOut}, 403, *WITH_BODY),
    summary="Add a fit or engagement rule (administrators)",
)
def create_scoring_rule(request: HttpRequest, payload: ScoringRuleIn) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        rule = scoring_rule_create(actor=request.user, **payload.model_dump())
        return 201, ScoringRuleOut.model_validate(rule_out(rule)).model_dump(mode="json")

    return json_response(*idempotent_create(request, create))


@router.get(
    "/lead-scoring/calibration",
    response=answers({200: CalibrationOut}, 403),
    summary="Predicted against actual conversion by score decile and by channel",
)
def get_calibration(request: HttpRequest) -> Any:
    require_permission(request.user, SalesPermission.VIEW_SCORE_REPORTS)
    return calibration(int(request.user.org_id))  # type: ignore[union-attr, arg-type]
