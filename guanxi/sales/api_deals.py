"""A deal's people in the API, ``PUT/DELETE /api/v1/opportunities/{id}/contacts/{contact_id}``,
and the deal's detail body (with its people and time in each stage) that
``GET /api/v1/opportunities/{id}`` answers (routed in :mod:`guanxi.sales.api`, beside the PATCH
of the same path)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from guanxi.customers.selectors import contacts_visible_to
from guanxi.platform.api_support import WITH_BODY, Body, answers, get_visible
from guanxi.sales import selectors
from guanxi.sales.choices import DealRole
from guanxi.sales.models import Opportunity
from guanxi.sales.schemas import OpportunityOut, opportunity_out
from guanxi.sales.services.deal_contacts import deal_contact_remove, deal_contact_set

router = Router(tags=["sales"])


class DealPersonOut(Schema):
    contact_id: uuid.UUID
    name: str
    title: str
    role: str


class StayOut(Schema):
    stage: str
    entered_at: datetime.datetime
    left_at: datetime.datetime | None
    seconds: int


class OpportunityDetailOut(OpportunityOut):
    contacts: list[DealPersonOut]
    stages: list[StayOut]


class RoleIn(Body):
    role: DealRole


def _deal(request: HttpRequest, deal_id: uuid.UUID) -> Opportunity:
    return get_visible(selectors.opportunity_list(request.user), deal_id)  # type: ignore[no-any-return]


def deal_detail(request: HttpRequest, deal: Opportunity) -> dict[str, Any]:
    shown = selectors.visible_links(request.user, [deal])
    people = [
        {
            "contact_id": row.contact.public_id,
            "name": row.contact.name,
            "title": row.contact.title,
            "role": row.role,
        }
        for row in selectors.deal_people(request.user, deal)
    ]
    body = {
        **opportunity_out(deal, shown),
        "contacts": people,
        "stages": selectors.time_in_stages(deal),
    }
    return OpportunityDetailOut.model_validate(body).model_dump(mode="json")


@router.put(
    "/opportunities/{deal_id}/contacts/{contact_id}",
    response=answers({200: OpportunityDetailOut}, 403, 404, *WITH_BODY),
    summary="Put a person on the deal with their role (decision maker, influencer, ...)",
)
def put_deal_contact(
    request: HttpRequest, deal_id: uuid.UUID, contact_id: uuid.UUID, payload: RoleIn
) -> Any:
    deal = _deal(request, deal_id)
    contact = get_visible(contacts_visible_to(request.user), contact_id)
    deal_contact_set(actor=request.user, opportunity=deal, contact=contact, role=payload.role)
    return deal_detail(request, _deal(request, deal_id))


@router.delete(
    "/opportunities/{deal_id}/contacts/{contact_id}",
    response=answers({200: OpportunityDetailOut}, 403, 404),
    summary="Take a person off the deal",
)
def delete_deal_contact(request: HttpRequest, deal_id: uuid.UUID, contact_id: uuid.UUID) -> Any:
    deal = _deal(request, deal_id)
    contact = get_visible(contacts_visible_to(request.user), contact_id)
    deal_contact_remove(actor=request.user, opportunity=deal, contact=contact)
    return deal_detail(request, _deal(request, deal_id))
