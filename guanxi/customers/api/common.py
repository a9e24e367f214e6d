"""Helpers the customer routers share: list filters and user names in bodies. The generic API kit
(pages, visible lookups, versions, ETags) is ``guanxi.platform.api_support``."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from guanxi.core.errors import NotFoundError, ServiceValidationError
from guanxi.platform.api_support import IsoDateTime, PageArgs
from guanxi.platform.models import User

CUSTOM_FILTERS = (
    "Filter by custom field values with `custom.<key>=value` query parameters (exact match, "
    "the value read as the field reads input: `custom.vip=true`, `custom.since=2026-01-03`). "
    "An unknown key or a value the field cannot hold is a 422 problem."
)


class RecordFilters(Schema):
    """What narrows a list of customers; the lists and their exports take the same filters."""

    q: str = Field("", max_length=100)
    owner: str = Field("", max_length=150, description="User name of the owner")
    tag: str = Field("", max_length=40)
    province: str = Field("", max_length=40)
    updated_since: IsoDateTime | None = None
    scope: Literal["", "mine", "shared", "team"] = Field(
        "", description="mine, shared (with me as a collaborator) or team"
    )


class ListFilters(PageArgs, RecordFilters):
    pass


def owner_id_for(request: HttpRequest, username: str) -> int | None:
    if not username:
        return None
    user = User.objects.filter(org_id=request.user.org_id, username=username).first()  # type: ignore[union-attr]
    return user.pk if user else -1


def owner_for(request: HttpRequest, username: str | None, *, field: str = "owner") -> Any:
    """The colleague a body names; an unknown name is a 404 (as an unknown id is), on its field."""
    if username is None:
        return None
    user = User.objects.filter(org_id=request.user.org_id, username=username).first()  # type: ignore[union-attr]
    if user is None:
        message = _("No user named “%(name)s”.") % {"name": username[:150]}
        raise NotFoundError(message, field_errors={field: [message]})
    return user


def active_colleague(request: HttpRequest, username: str, *, field: str = "user") -> User:
    """An active colleague a body names for a setting (a target, a limit); unknown: 422."""
    person = User.objects.filter(
        org_id=request.user.org_id,  # type: ignore[union-attr]
        username=username,
        is_active=True,
    ).first()
    if person is None:
        raise ServiceValidationError.for_field(field, _("No such user."))
    return person


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
