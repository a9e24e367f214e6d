"""Cursor pagination on the integer key: stable under inserts, O(limit) at any depth."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
# A cursor is the last key in base 36: every string of this form is a valid cursor (so an API
# schema can say exactly what is accepted), and 12 digits stay below 2**63 on every database.
CURSOR_PATTERN = "^[0-9a-z]{1,12}$"
_DIGITS = string.digits + string.ascii_lowercase


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    digits = ""
    while True:
        last_id, digit = divmod(last_id, 36)
        digits = _DIGITS[digit] + digits
        if not last_id:
            return digits


def decode_cursor(cursor: str) -> int:
    if not re.fullmatch(CURSOR_PATTERN, cursor):
        raise ServiceValidationError.for_field("cursor", _("The cursor is not valid."))
    return int(cursor, 36)


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
