"""Merging duplicates through the API: ``POST /contacts/{id}/merge`` (and ``/accounts``) merges
the record in the path into ``into``; ``POST /merges/{id}/undo`` undoes it. The rules are the
web queue's (``services/merge.py``): both records editable, the merged-away one deletable, both
versions current (409 otherwise)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from guanxi.core.errors import NotFoundError
from guanxi.customers.duplicate_queue import merge_visible_to
from guanxi.customers.merge_fields import MODELS
from guanxi.customers.services.merge import account_merge, contact_merge, merge_undo
from guanxi.platform.api_support import WITH_BODY, Body, Version, answers, get_visible

MERGES: dict[str, Any] = {"contact": contact_merge, "account": account_merge}
merges_router = Router()


class MergeIn(Body):
    into: uuid.UUID = Field(description="The record that survives")
    version: Version = Field(description="The version of the record in the path (merged away)")
    into_version: Version = Field(description="The version of the surviving record")
    chosen: dict[str, Literal["target", "source"]] = Field(
        default_factory=dict,
        description='Per field (or `custom.<key>`): keep the survivor\'s ("target") or the merged'
        " record's (\"source\") value; by default the survivor's, filled where empty",
    )


class MergeOut(Schema):
    id: uuid.UUID
    survivor: uuid.UUID
    moved: dict[str, int] = Field(description="How many rows of each kind moved to the survivor")
    undone: bool


def _out(record: Any, survivor_public_id: Any) -> dict[str, Any]:
    return {
        "id": record.public_id,
        "survivor": survivor_public_id,
        "moved": {label: len(pks) for label, pks in sorted(record.moved.items())},
        "undone": record.undone_at is not None,
    }


def add_merge_routes(router: Router, kind: str, visible: Any) -> None:
    """``visible(user)`` is the queryset of records of this ``kind`` the user may see."""

    @router.post(
        "/{record_id}/merge",
        response=answers({200: MergeOut}, 403, 404, 409, *WITH_BODY),
        summary="Merge this record into another one (the other one survives)",
        operation_id=f"{kind}_merge",
    )
    def merge(request: HttpRequest, record_id: uuid.UUID, payload: MergeIn) -> dict[str, Any]:
        source = get_visible(visible(request.user), record_id)
        target = get_visible(visible(request.user), payload.into)
        record = MERGES[kind](
            actor=request.user,
            target=target,
            source=source,
            chosen=dict(payload.chosen),
            target_version=payload.into_version,
            source_version=payload.version,
        )
        return _out(record, target.public_id)


@merges_router.post(
    "/{merge_id}/undo",
    response=answers({200: MergeOut}, 403, 404, 409),
    summary="Undo a merge (within 30 days, by who merged or an administrator)",
    operation_id="merge_undo",
)
def undo(request: HttpRequest, merge_id: uuid.UUID) -> dict[str, Any]:
    record = merge_visible_to(request.user, merge_id)
    if record is None:
        raise NotFoundError(_("No such merge."))
    record = merge_undo(actor=request.user, record=record)
    survivor = MODELS[record.entity]._default_manager.get(pk=record.target_id)
    return _out(record, survivor.public_id)
