"""Commitments in the API: ``GET/POST /api/v1/commitments``, ``PATCH /api/v1/commitments/{id}``."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from guanxi.customers.api.common import owner_for, owner_id_for
from guanxi.customers.selectors import contacts_visible_to
from guanxi.platform.api_support import (
    WITH_BODY,
    Body,
    IsoDateTime,
    PageArgs,
    UserName,
    Version,
    answers,
    expected_version,
    get_visible,
    page_of,
    set_etag,
)
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.sales import selectors
from guanxi.sales.models import Commitment, CommitmentStatus
from guanxi.sales.services.commitments import commitment_close, commitment_create

router = Router(tags=["sales"])


class CommitmentCreate(Body):
    contact_id: uuid.UUID
    description: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    due_at: IsoDateTime
    owner: UserName | None = Field(None, description="Who promised; the caller by default")


class CommitmentUpdate(Body):
    status: Literal["kept", "broken", "cancelled"]
    version: Version | None = None


class CommitmentOut(Schema):
    id: uuid.UUID
    contact_id: uuid.UUID | None
    contact_name: str | None
    description: str
    due_at: datetime.datetime
    owner: str
    status: str
    overdue: bool
    closed_at: datetime.datetime | None
    version: int
    created_at: datetime.datetime


class CommitmentPage(Schema):
    items: list[CommitmentOut]
    next_cursor: str | None


class CommitmentFilters(PageArgs):
    overdue: bool | None = Field(None, description="true: open and past due")
    status: CommitmentStatus | None = None
    contact_id: uuid.UUID | None = None
    owner: Annotated[str, StringConstraints(max_length=150)] = ""


def commitment_out(item: Commitment, now: datetime.datetime) -> dict[str, Any]:
    return {
        "id": item.public_id,
        "contact_id": item.contact.public_id if item.contact else None,
        "contact_name": item.contact.name if item.contact else None,
        "description": item.description,
        "due_at": item.due_at,
        "owner": item.owner.username,
        "status": item.status,
        "overdue": item.status == CommitmentStatus.OPEN and item.due_at < now,
        "closed_at": item.closed_at,
        "version": item.version,
        "created_at": item.created_at,
    }


@router.get("/commitments", response=answers({200: CommitmentPage}), summary="Commitments")
def list_commitments(request: HttpRequest, filters: Query[CommitmentFilters]) -> Any:
    contact_id = None
    if filters.contact_id:
        found = contacts_visible_to(request.user).filter(public_id=filters.contact_id)
        contact_id = found.values_list("pk", flat=True).first() or -1
    now = timezone.now()
    items = selectors.commitment_list(
        request.user,
        overdue=filters.overdue,
        status=filters.status or "",
        contact_id=contact_id,
        owner_id=owner_id_for(request, filters.owner),
        now=now,
    )
    return page_of(items, filters, lambda item: commitment_out(item, now))


@router.post(
    "/commitments",
    response=answers({201: CommitmentOut}, 403, 404, *WITH_BODY),
    summary="Record what was promised to a customer, by when",
)
def create_commitment(request: HttpRequest, payload: CommitmentCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        contact = get_visible(contacts_visible_to(request.user), payload.contact_id)
        item = commitment_create(
            actor=request.user,
            contact=contact,
            description=payload.description,
            due_at=payload.due_at,
            owner=owner_for(request, payload.owner),
        )
        body = CommitmentOut.model_validate(commitment_out(item, timezone.now()))
        return 201, body.model_dump(mode="json")

    return json_response(*idempotent_create(request, create))


@router.patch(
    "/commitments/{commitment_id}",
    response=answers({200: CommitmentOut}, 403, 404, 409, 412, 428, *WITH_BODY),
    summary="Close a commitment as kept, broken or cancelled",
)
def close_commitment(
    request: HttpRequest,
    commitment_id: uuid.UUID,
    payload: CommitmentUpdate,
    response: HttpResponse,
) -> Any:
    item = get_visible(selectors.commitment_list(request.user), commitment_id)
    version = expected_version(request, payload.version, item.version)
    commitment_close(actor=request.user, commitment=item, status=payload.status, version=version)
    item = get_visible(selectors.commitment_list(request.user), commitment_id)
    set_etag(response, item.version)
    return commitment_out(item, timezone.now())
