"""Money is exact, keeps its currency, and is written as a decimal string."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guanxi.core.money import Money, MoneyError, decimal_string, money_sum, to_decimal


def test_sums_to_the_cent_and_keeps_the_currency():
    total = money_sum([Money.of("0.10"), Money.of("0.20"), Money.of(3)], "CNY")
    assert total == Money(Decimal("3.30"), "CNY")
    assert str(total) == "3.30 CNY"
    assert total.as_api() == {"amount": "3.30", "currency": "CNY"}
    assert (Money.of("10.005") * 3).rounded() == Money(Decimal("30.02"), "CNY")


@pytest.mark.parametrize("bad", [0.1, True, "abc", "NaN", "Infinity", None, [1]])
def test_floats_and_garbage_are_refused(bad):
    with pytest.raises(MoneyError):
        to_decimal(bad)


def test_currencies_never_mix():
    with pytest.raises(MoneyError):
        Money.of(1, "CNY") + Money.of(1, "USD")
    with pytest.raises(MoneyError):
        Money(Decimal(1), "yuan")


def test_decimal_strings_round_half_up():
    assert decimal_string(Decimal("2.345")) == "2.35"
    assert decimal_string(Decimal("-2.345")) == "-2.35"
    assert decimal_string(Decimal("1E+3")) == "1000.00"
    assert to_decimal("1,234.50") == Decimal("1234.50")
    assert decimal_string(None) is None
