"""Money: a Decimal amount with its currency, never a float.

Amounts are kept exact (to the cent by default) and added only to amounts of the same currency,
so a sum never silently mixes yuan and dollars. The API writes amounts as decimal strings
(:func:`decimal_string`); Pydantic schemas use :data:`DecimalString` for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from django.conf import settings
from pydantic import PlainSerializer

CENT = Decimal("0.01")


class MoneyError(ValueError):
    pass


def to_decimal(value: Any) -> Decimal:
    """An exact Decimal from a Decimal, an int or a decimal string; floats are refused."""
    if isinstance(value, bool | float):
        raise MoneyError("Amounts are never floats: pass a Decimal or a decimal string.")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", ""))
        except InvalidOperation as exc:
            raise MoneyError(f"Not an amount: {value!r}") from exc
    else:
        raise MoneyError(f"Not an amount: {value!r}")
    if not result.is_finite():
        raise MoneyError(f"Not an amount: {value!r}")
    return result


def decimal_string(value: Decimal | None, places: Decimal = CENT) -> str | None:
    """``Decimal('12.5')`` → ``"12.50"``: how the API writes amounts."""
    if value is None:
        return None
    return format(value.quantize(places, rounding=ROUND_HALF_UP), "f")


def default_currency() -> str:
    return str(getattr(settings, "GUANXI_CURRENCY", "CNY"))


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        if not (isinstance(self.currency, str) and len(self.currency) == 3):
            raise MoneyError(f"Not a currency code: {self.currency!r}")
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def of(cls, amount: Any, currency: str | None = None) -> Money:
        return cls(to_decimal(amount), currency or default_currency())

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise MoneyError("Money adds only to Money.")
        if other.currency != self.currency:
            raise MoneyError(f"Cannot mix {self.currency} and {other.currency}.")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * to_decimal(factor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def rounded(self, places: Decimal = CENT) -> Money:
        return Money(self.amount.quantize(places, rounding=ROUND_HALF_UP), self.currency)

    def as_api(self) -> dict[str, str]:
        return {"amount": decimal_string(self.amount) or "0.00", "currency": self.currency}

    def __str__(self) -> str:
        return f"{decimal_string(self.amount)} {self.currency}"


def money_sum(items: Any, currency: str | None = None) -> Money:
    total = Money(Decimal(0), currency or default_currency())
    for item in items:
        total = total + item
    return total


# In API schemas: a Decimal that is written out as a decimal string with two places.
DecimalString = Annotated[
    Decimal, PlainSerializer(lambda value: decimal_string(value), return_type=str)
]
