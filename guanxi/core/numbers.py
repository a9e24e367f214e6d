"""Numbers typed into a form or sent by a client, checked with a message on their field: a
decimal (never a float) and a percentage from 0 to 100. Shared by the catalogue and quotes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.core.money import MoneyError, to_decimal

HUNDRED = Decimal(100)


def decimal_in(value: Any, field: str) -> Decimal:
    """A Decimal from a Decimal, an int or a decimal string; anything else refused on ``field``."""
    try:
        return to_decimal(value)
    except MoneyError as exc:
        raise ServiceValidationError.for_field(field, _("Enter a number such as 12.5.")) from exc


def percent_in(value: Any, field: str) -> Decimal:
    number = decimal_in(value, field)
    if not Decimal(0) <= number <= HUNDRED:
        raise ServiceValidationError.for_field(field, _("A percentage from 0 to 100."))
    return number
