"""Cursor pagination on the integer key: stable under inserts, O(limit) at any depth."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        prefix, _sep, value = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        if prefix != "id":
            raise ValueError(cursor)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ServiceValidationError.for_field("cursor", _("The cursor is not valid.")) from exc


def paginate_by_id(queryset: QuerySet[Any], *, cursor: str | None, limit: int) -> Page:
    """Newest first by primary key; the cursor is the last key returned."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ServiceValidationError.for_field(
            "limit", _("limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT}
        )
    if cursor:
        queryset = queryset.filter(pk__lt=decode_cursor(cursor))
    rows = list(queryset.order_by("-pk")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].pk) if has_more and rows else None)
