"""What every domain's API handlers share: the problem schema and the statuses an operation
documents, cursor pages, lookups of visible records, strict date inputs, and ``If-Match`` /
``version`` checks with ``ETag`` answers.

Kept here, below the domains, so that each new router uses these instead of copying them.
"""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from guanxi.core.errors import (
    NotFoundError,
    PreconditionFailedError,
    PreconditionRequiredError,
)
from guanxi.core.pagination import CURSOR_PATTERN, DEFAULT_LIMIT, MAX_LIMIT, Page, paginate_by_id


class Problem(Schema):
    """An RFC 9457 problem, sent as ``application/problem+json`` (see ``problems.py``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: dict[str, list[str]] | None = Field(
        None, description="Messages per field, nested fields as `phones.0.kind`"
    )
    current_version: int | None = Field(
        None, description="With 409 and 412: the version the record has now"
    )


# Every operation authenticates (401); 422 is a query, path or body the rules refuse.
ALWAYS = (401, 422)
# Operations that read a JSON body may also meet a malformed one (400) or one too large (413).
WITH_BODY = (400, 413)


def answers(success: dict[int, Any], *problems: int) -> dict[int, Any]:
    """The response map of an operation: its success and every problem status it can answer."""
    return {**success, **{status: Problem for status in sorted({*ALWAYS, *problems})}}


def _iso(kind: str, pattern: re.Pattern[str]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        # Pydantic also reads numbers as Unix times ("1.1" would be 1970-01-01); the schema
        # promises ISO 8601 text, so only that is accepted.
        if isinstance(value, str) and not pattern.match(value):
            raise PydanticCustomError(f"{kind}_parsing", "Input should be ISO 8601")
        if not isinstance(value, str | datetime.date):
            raise PydanticCustomError(f"{kind}_parsing", "Input should be ISO 8601")
        return value

    return check


IsoDateTime = Annotated[
    datetime.datetime,
    BeforeValidator(
        _iso(
            "datetime",
            re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?([Zz]|[+-]\d\d:?\d\d)?$"),
        )
    ),
]
IsoDate = Annotated[datetime.date, BeforeValidator(_iso("date", re.compile(r"\d{4}-\d\d-\d\d$")))]


@dataclass(frozen=True)
class DecimalText:
    """``Annotated[decimal.Decimal, DecimalText(pattern)]``: an amount or quantity as a decimal
    string (``"199.00"``), never a float; ``pattern`` says which strings are accepted, so the
    schema and the server agree on them."""

    pattern: str

    def _check(self, value: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            raise PydanticCustomError("decimal_parsing", "Input should be a decimal string")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_before_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {"type": "string", "pattern": self.pattern}


# Decimal strings: a quantity above zero with up to 3 places, amounts with up to 2.
Quantity = Annotated[
    decimal.Decimal,
    DecimalText(r"^([1-9][0-9]{0,8}(\.[0-9]{1,3})?|0\.(00[1-9]|0[1-9][0-9]?|[1-9][0-9]{0,2}))$"),
]
Amount = Annotated[decimal.Decimal, DecimalText(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]


class Body(Schema):
    """A JSON object sent as a request body. Ninja's schemas read attributes from any object, so
    without this a list (``[null]``) would pass for an object whose fields are all optional."""

    @model_validator(mode="wrap")
    @classmethod
    def _object_only(cls, value: Any, handler: Any) -> Any:
        if not isinstance(value, dict | Schema):
            raise PydanticCustomError("model_type", "Input should be an object")
        return handler(value)


def _number_only(value: Any) -> Any:
    if isinstance(value, str | bool):
        raise PydanticCustomError("int_type", "Input should be a whole number")
    return value


# Bodies are JSON: a flag is true or false, not 0 or "yes"; a version is a number (2 or 2.0, as
# JSON Schema counts integers), not "2".
Flag = Annotated[bool, Strict()]
Version = Annotated[int, BeforeValidator(_number_only), Field(ge=1)]
# Text that must say something (a name): at least one character that is not a space.
NonBlank = Annotated[str, StringConstraints(max_length=200, pattern=r"\S")]
UserName = Annotated[str, StringConstraints(min_length=1, max_length=150)]


class PageArgs(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(
        None, pattern=CURSOR_PATTERN, description="`next_cursor` of the page before"
    )


def page_of(queryset: Any, args: PageArgs, serialize: Callable[[Any], Any]) -> dict[str, Any]:
    """One page, newest first: ``{"items": [...], "next_cursor": ...}``."""
    page: Page = paginate_by_id(queryset, cursor=args.cursor, limit=args.limit)
    return {"items": [serialize(item) for item in page.items], "next_cursor": page.next_cursor}


def get_visible(queryset: Any, public_id: uuid.UUID, message: str = "") -> Any:
    """The record with this id among those the caller may see; 404 alike for missing and hidden."""
    record = queryset.filter(public_id=public_id).first()
    if record is None:
        raise NotFoundError(message or _("No such record."))
    return record


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


def patch_record(
    request: HttpRequest, record: Any, payload: Any, *, kind: str, update: Any, **fields: Any
) -> None:
    """Apply a PATCH through ``update`` after checking the version the client edited."""
    version = expected_version(request, payload.version, record.version)
    update(actor=request.user, version=version, **{kind: record}, **fields)


def set_etag(response: Any, version: int) -> None:
    response["ETag"] = f'"{version}"'
