"""The customer pool in the API: what waits in a pool (masked), claiming, releasing and locking a
contact or an account, and a pool's rules for customers."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from guanxi.platform.api_support import WITH_BODY, PageArgs, answers, get_visible, page_of, set_etag
from guanxi.platform.records import require_permission
from guanxi.sales.api_pools import pool_out
from guanxi.sales.models import Pool
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.pool_list import entry_row, pool_entries, pooled_or_visible
from guanxi.sales.schemas import (
    ClaimedCustomerOut,
    LockIn,
    PooledCustomerPage,
    PoolOut,
    PoolRulesIn,
)
from guanxi.sales.services.pool_customers import (
    customer_claim,
    customer_release,
    customer_set_locked,
    is_locked,
    pool_rules_set,
)

router = Router(tags=["sales"])
Kind = Literal["contact", "account"]


def _customer(request: HttpRequest, kind: Kind, public_id: uuid.UUID) -> Any:
    return pooled_or_visible(request.user, kind, public_id)


def _claimed(kind: Kind, record: Any, response: HttpResponse) -> dict[str, Any]:
    record.refresh_from_db()
    set_etag(response, record.version)
    return {
        "kind": kind,
        "id": record.public_id,
        "name": record.name,
        "owner": record.owner.username,
        "in_pool": record.pooled_at is not None,
        "locked": is_locked(record),
        "version": record.version,
    }


@router.get(
    "/pools/{pool_id}/customers",
    response=answers({200: PooledCustomerPage}, 404),
    summary="Customers waiting in a pool, phones masked, newest first",
)
def list_pool_customers(
    request: HttpRequest, pool_id: uuid.UUID, page: Query[PageArgs]
) -> dict[str, Any]:
    pool = get_visible(Pool.objects.filter(org_id=request.user.org_id), pool_id)  # type: ignore[union-attr]
    now = timezone.now()
    return page_of(
        pool_entries(request.user, pool), page, lambda entry: entry_row(request.user, entry, now)
    )


@router.put(
    "/pools/{pool_id}/rules",
    response=answers({200: PoolOut}, 403, 404, *WITH_BODY),
    summary="Replace a pool's rules for customers (a rule kept as it was keeps its start)",
)
def set_pool_rules(request: HttpRequest, pool_id: uuid.UUID, payload: PoolRulesIn) -> Any:
    require_permission(request.user, SalesPermission.MANAGE_POOLS)
    pool = get_visible(Pool.objects.filter(org_id=request.user.org_id), pool_id)  # type: ignore[union-attr]
    rules = [rule.model_dump() for rule in payload.customer_rules]
    pool_rules_set(actor=request.user, pool=pool, rules=rules)
    return pool_out(pool)


def _routes(kind: Kind) -> None:
    path = f"/{kind}s/{{customer_id}}"

    @router.post(
        f"{path}/claim",
        response=answers({200: ClaimedCustomerOut}, 403, 404, 409),
        summary=f"Claim a {kind} from the pool (daily and owned caps apply)",
        operation_id=f"claim_{kind}",
    )
    def claim(request: HttpRequest, customer_id: uuid.UUID, response: HttpResponse) -> Any:
        record = _customer(request, kind, customer_id)
        customer_claim(actor=request.user, record=record)
        return _claimed(kind, record, response)

    @router.post(
        f"{path}/release",
        response=answers({200: ClaimedCustomerOut}, 403, 404, 409),
        summary=f"Give a {kind} back to the pool",
        operation_id=f"release_{kind}",
    )
    def release(request: HttpRequest, customer_id: uuid.UUID, response: HttpResponse) -> Any:
        record = _customer(request, kind, customer_id)
        customer_release(actor=request.user, record=record)
        return _claimed(kind, record, response)

    @router.post(
        f"{path}/lock",
        response=answers({200: ClaimedCustomerOut}, 403, 404, 409, *WITH_BODY),
        summary=f"Lock a key {kind} so it never returns to the pool (or unlock it)",
        operation_id=f"lock_{kind}",
    )
    def lock(
        request: HttpRequest, customer_id: uuid.UUID, payload: LockIn, response: HttpResponse
    ) -> Any:
        record = _customer(request, kind, customer_id)
        customer_set_locked(actor=request.user, record=record, locked=payload.locked)
        return _claimed(kind, record, response)


_routes("contact")
_routes("account")
