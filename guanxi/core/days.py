"""Calendar days as moments: where a local day begins, for "this month", "this quarter", "today"
figures counted over timezone-aware timestamps."""

from __future__ import annotations

import datetime

from django.utils import timezone


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the current time zone."""
    return datetime.datetime.combine(day, datetime.time(), timezone.get_current_timezone())
