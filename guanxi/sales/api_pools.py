"""The customer pool in the API: claim, release and lock a lead; pools for administrators."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from guanxi.core.errors import NotFoundError
from guanxi.platform.api_support import WITH_BODY, answers, set_etag
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.platform.models import Team
from guanxi.platform.records import require_permission
from guanxi.sales.api import lead_body, visible_lead
from guanxi.sales.models import Pool
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.schemas import LeadOut, LockIn, PoolCreate, PoolOut
from guanxi.sales.services.pools import (
    POOL_FLAGS,
    POOL_SETTINGS,
    lead_claim,
    lead_release,
    lead_set_locked,
    pool_create,
)

router = Router(tags=["sales"])


def _answer(request: HttpRequest, lead_id: uuid.UUID, response: HttpResponse) -> Any:
    lead = visible_lead(request, lead_id)
    set_etag(response, lead.version)
    return lead_body(request, lead)


@router.post(
    "/leads/{lead_id}/claim",
    response=answers({200: LeadOut}, 403, 404, 409),
    summary="Claim a lead from the pool (daily and owned caps apply)",
)
def claim_lead(request: HttpRequest, lead_id: uuid.UUID, response: HttpResponse) -> Any:
    lead_claim(actor=request.user, lead=visible_lead(request, lead_id))
    return _answer(request, lead_id, response)


@router.post(
    "/leads/{lead_id}/release",
    response=answers({200: LeadOut}, 403, 404, 409),
    summary="Give a lead back to the pool",
)
def release_lead(request: HttpRequest, lead_id: uuid.UUID, response: HttpResponse) -> Any:
    lead_release(actor=request.user, lead=visible_lead(request, lead_id))
    return _answer(request, lead_id, response)


@router.post(
    "/leads/{lead_id}/lock",
    response=answers({200: LeadOut}, 403, 404, 409, *WITH_BODY),
    summary="Lock a key lead so it never returns to the pool (or unlock it)",
)
def lock_lead(
    request: HttpRequest, lead_id: uuid.UUID, payload: LockIn, response: HttpResponse
) -> Any:
    lead_set_locked(actor=request.user, lead=visible_lead(request, lead_id), locked=payload.locked)
    return _answer(request, lead_id, response)


def pool_out(pool: Pool) -> dict[str, Any]:
    return {
        "id": pool.public_id,
        "name": pool.name,
        "teams": sorted(team.name for team in pool.teams.all()),
        "is_default": pool.is_default,
        **{key: getattr(pool, key) for key in (*POOL_SETTINGS, *POOL_FLAGS)},
        "customer_rules": [
            {"kind": r.kind, "level": r.level, "days": r.days, "set_at": r.created_at}
            for r in pool.rules.order_by("kind", "level")
        ],
    }


@router.get("/pools", response=answers({200: list[PoolOut]}, 403), summary="Customer pools")
def list_pools(request: HttpRequest) -> list[dict[str, Any]]:
    require_permission(request.user, SalesPermission.MANAGE_POOLS)
    pools = Pool.objects.filter(org_id=request.user.org_id).prefetch_related("teams")  # type: ignore[union-attr]
    return [pool_out(pool) for pool in pools.order_by("pk")]


@router.post(
    "/pools", response=answers({201: PoolOut}, 403, 404, *WITH_BODY), summary="Set up a pool"
)
def create_pool(request: HttpRequest, payload: PoolCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        fields = payload.model_dump()
        names = fields.pop("teams")
        teams = list(Team.objects.filter(org_id=request.user.org_id, name__in=names))  # type: ignore[union-attr]
        missing = sorted(set(names) - {team.name for team in teams})
        if missing:
            message = _("No team named “%(name)s”.") % {"name": missing[0][:100]}
            raise NotFoundError(message, field_errors={"teams": [message]})
        return 201, pool_out(pool_create(actor=request.user, teams=teams, **fields))

    return json_response(*idempotent_create(request, create))
