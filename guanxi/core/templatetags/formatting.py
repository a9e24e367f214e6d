"""Numbers and money written one way on every page: ``¥1,234.50``, ``1,234``, ``12.5%``.

The same output in Chinese and English (both write 1,234.50), so a figure copied from one page
reads the same on another. Amounts are rounded half up like a till, never through a float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()

MISSING = "—"
CURRENCY_SYMBOLS = {"CNY": "¥", "HKD": "HK$", "USD": "US$", "EUR": "€", "GBP": "£", "JPY": "JP¥"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, places: int) -> str:
    exponent = Decimal(1).scaleb(-places)
    rounded = number.quantize(exponent, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,.{places}f}"


@register.filter
def number(value: Any, places: Any = 0) -> str:
    """``1234`` → ``1,234``; ``{{ x|number:1 }}`` → ``1,234.6``; nothing → ``—``."""
    parsed = _decimal(value)
    if parsed is None:
        return MISSING
    return _grouped(parsed, int(places))


@register.filter
def money(value: Any, currency: str = "CNY") -> str:
    """``Decimal("1234.5")`` → ``¥1,234.50``; ``{{ x|money:"USD" }}`` → ``US$1,234.50``.

    Accepts a Decimal, int, float or None, and anything with ``amount`` and ``currency`` (the
    core Money type to come), whose own currency wins.
    """
    if hasattr(value, "amount") and hasattr(value, "currency"):
        value, currency = value.amount, value.currency
    parsed = _decimal(value)
    if parsed is None:
        return MISSING
    code = (currency or "CNY").upper()
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} ")
    sign = "-" if parsed < 0 and _grouped(parsed, 2).startswith("-") else ""
    return f"{sign}{symbol}{_grouped(abs(parsed), 2)}"


@register.filter
def percent(value: Any, places: Any = 0) -> str:
    """A share between 0 and 1: ``0.125`` → ``13%``, ``{{ x|percent:1 }}`` → ``12.5%``."""
    parsed = _decimal(value)
    if parsed is None:
        return MISSING
    return f"{_grouped(parsed * 100, int(places))}%"


@register.filter
def duration_days(seconds: Any) -> str:
    """Seconds as days with one decimal (``129600`` → ``1.5 d``); under a day as hours."""
    parsed = _decimal(seconds)
    if parsed is None:
        return MISSING
    if parsed < 86400:
        return f"{_grouped(parsed / 3600, 1)} h"
    return f"{_grouped(parsed / 86400, 1)} d"
