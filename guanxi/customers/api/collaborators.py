"""Collaborators of one contact or account: ``/contacts/{id}/collaborators`` and the same under
``/accounts``. Listing needs sight of the record; adding, changing and removing need the right to
manage it (owner, the owner's managers, administrators)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from guanxi.customers.api.common import owner_for
from guanxi.platform.api_support import WITH_BODY, Body, Flag, IsoDate, answers, get_visible
from guanxi.platform.selectors import collaborators_of
from guanxi.platform.services.sharing import collaborator_remove, collaborator_set


class CollaboratorIn(Body):
    access: str = Field("read", pattern="^(read|write)$")
    until: IsoDate | None = None
    include_children: Flag = False


class CollaboratorOut(Schema):
    user: str
    name: str
    access: str
    until: datetime.date | None
    include_children: bool


def _out(row: Any) -> dict[str, Any]:
    return {
        "user": row.user.username,
        "name": row.user.display_name,
        "access": row.access,
        "until": row.until,
        "include_children": row.include_children,
    }


def add_collaborator_routes(router: Router, kind: str, visible: Any) -> None:
    """``visible(user)`` is the queryset of records of this ``kind`` the user may see."""

    @router.get(
        "/{record_id}/collaborators",
        response=answers({200: list[CollaboratorOut]}, 404),
        summary="List the colleagues added to the record",
        operation_id=f"{kind}_list_collaborators",
    )
    def list_collaborators(request: HttpRequest, record_id: uuid.UUID) -> list[dict[str, Any]]:
        record = get_visible(visible(request.user), record_id)
        return [_out(row) for row in collaborators_of(record)]

    @router.put(
        "/{record_id}/collaborators/{username}",
        response=answers({200: CollaboratorOut}, 403, 404, *WITH_BODY),
        summary="Add a colleague to the record, or change their access",
        operation_id=f"{kind}_put_collaborator",
    )
    def put_collaborator(
        request: HttpRequest, record_id: uuid.UUID, username: str, payload: CollaboratorIn
    ) -> dict[str, Any]:
        record = get_visible(visible(request.user), record_id)
        row = collaborator_set(
            actor=request.user,
            record=record,
            user=owner_for(request, username[:150], field="user"),
            access=payload.access,
            until=payload.until,
            include_children=payload.include_children,
        )
        return _out(row)

    @router.delete(
        "/{record_id}/collaborators/{username}",
        response=answers({204: None}, 403, 404),
        summary="Remove a colleague from the record",
        operation_id=f"{kind}_delete_collaborator",
    )
    def delete_collaborator(request: HttpRequest, record_id: uuid.UUID, username: str) -> Status:
        record = get_visible(visible(request.user), record_id)
        collaborator_remove(
            actor=request.user, record=record, user=owner_for(request, username[:150], field="user")
        )
        return Status(204, None)
