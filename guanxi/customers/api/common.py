"""Helpers shared by the customer API routers: lookups, versions, list arguments."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from guanxi.core.errors import (
    NotFoundError,
    PreconditionFailedError,
    PreconditionRequiredError,
    ServiceValidationError,
)
from guanxi.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, paginate_by_id
from guanxi.platform.models import User


class ListFilters(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=100)
    q: str = Field("", max_length=100)
    owner: str = Field("", max_length=150, description="User name of the owner")
    tag: str = Field("", max_length=40)
    province: str = Field("", max_length=40)
    updated_since: datetime.datetime | None = None
    scope: Literal["", "mine", "shared", "team"] = Field(
        "", description="mine, shared (with me as a collaborator) or team"
    )


def get_visible(queryset: Any, public_id: uuid.UUID) -> Any:
    record = queryset.filter(public_id=public_id).first()
    if record is None:
        raise NotFoundError(_("No such record."))
    return record


def owner_id_for(request: HttpRequest, username: str) -> int | None:
    if not username:
        return None
    user = User.objects.filter(org_id=request.user.org_id, username=username).first()  # type: ignore[union-attr]
    return user.pk if user else -1


def owner_for(request: HttpRequest, username: str | None, *, field: str = "owner") -> Any:
    if username is None:
        return None
    user = User.objects.filter(org_id=request.user.org_id, username=username).first()  # type: ignore[union-attr]
    if user is None:
        raise ServiceValidationError.for_field(
            field, _("No user named “%(name)s”.") % {"name": username[:150]}
        )
    return user


NULLABLE_FIELDS = {"account", "birthday", "owner", "due_at", "assignee"}
LIST_FIELDS = {"phones", "emails", "tags"}


def payload_fields(request: HttpRequest, payload: Any) -> dict[str, Any]:
    """The fields a client sent, ready for a service: ``null`` clears a text or a list, and the
    owner's user name becomes the user."""
    fields: dict[str, Any] = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name, value in fields.items():
        if value is None and name not in NULLABLE_FIELDS:
            fields[name] = [] if name in LIST_FIELDS else ""
    if "owner" in fields:
        fields["owner"] = owner_for(request, fields["owner"])
    return fields


def patch_record(
    request: HttpRequest, record: Any, payload: Any, *, kind: str, update: Any, **fields: Any
) -> None:
    """Apply a PATCH through ``update`` after checking the version the client edited."""
    version = expected_version(request, payload.version, record.version)
    update(actor=request.user, version=version, **{kind: record}, **fields)


def expected_version(request: HttpRequest, body_version: int | None, current: int) -> int:
    """The version the client edited, from ``If-Match`` (412 when stale) or the body (409)."""
    if_match = request.headers.get("If-Match", "").strip()
    if if_match:
        match = re.fullmatch(r'(?:W/)?"?(\d+)"?', if_match)
        if match is None or int(match.group(1)) != current:
            raise PreconditionFailedError(
                _("The record has changed since you read it (now version %(version)s).")
                % {"version": current},
                current_version=current,
            )
        return current
    if body_version is None:
        raise PreconditionRequiredError(
            _('Send the version you edited, in the body ("version") or as If-Match.'),
            field_errors={"version": [_("This field is required.")]},
        )
    return body_version


def page_of(queryset: Any, filters: ListFilters, serialize: Any) -> dict[str, Any]:
    page: Page = paginate_by_id(queryset, cursor=filters.cursor, limit=filters.limit)
    return {"items": [serialize(item) for item in page.items], "next_cursor": page.next_cursor}


def set_etag(response: Any, version: int) -> None:
    response["ETag"] = f'"{version}"'
