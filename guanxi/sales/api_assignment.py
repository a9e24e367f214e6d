"""Assignment rules in the API: ``GET/POST /api/v1/assignment-rules`` (administrators write)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field, Strict, StringConstraints

from guanxi.platform.api_support import WITH_BODY, Body, NonBlank, answers, get_visible
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.platform.models import Team
from guanxi.sales.models import AssignmentRule
from guanxi.sales.services.assignment import assignment_rule_create

router = Router(tags=["sales"])


class RuleIn(Body):
    name: NonBlank
    team_id: uuid.UUID
    province: Annotated[str, StringConstraints(max_length=40)] = Field(
        "", description="Leads from this region; blank: every region"
    )
    open_lead_cap: Annotated[int, Strict()] = Field(0, ge=0, le=100_000, description="0: no cap")


class RuleOut(Schema):
    id: uuid.UUID
    name: str
    team_id: uuid.UUID
    team: str
    province: str
    open_lead_cap: int
    active: bool
    position: int


def rule_out(rule: AssignmentRule) -> dict[str, Any]:
    return {
        "id": rule.public_id,
        "name": rule.name,
        "team_id": rule.team.public_id,
        "team": rule.team.name,
        "province": rule.province,
        "open_lead_cap": rule.open_lead_cap,
        "active": rule.active,
        "position": rule.position,
    }


@router.get(
    "/assignment-rules",
    response=answers({200: list[RuleOut]}),
    summary="The rules that assign new leads, in the order they are tried",
)
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    rules = AssignmentRule.objects.filter(org_id=request.user.org_id).select_related("team")  # type: ignore[union-attr]
    return [rule_out(rule) for rule in rules.order_by("position", "pk")]


@router.post(
    "/assignment-rules",
    response=answers({201: RuleOut}, 403, 404, *WITH_BODY),
    summary="Add an assignment rule: round-robin within a team, by region, under a cap",
)
def create_rule(request: HttpRequest, payload: RuleIn) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        teams = Team.objects.filter(org_id=request.user.org_id)  # type: ignore[union-attr]
        rule = assignment_rule_create(
            actor=request.user,
            name=payload.name,
            team=get_visible(teams, payload.team_id),
            province=payload.province,
            open_lead_cap=payload.open_lead_cap,
        )
        return 201, RuleOut.model_validate(rule_out(rule)).model_dump(mode="json")

    return json_response(*idempotent_create(request, create))
