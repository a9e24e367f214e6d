"""Pricing a quote's lines and adding them up, in Decimal, cent by cent.

Each line: quantity × the price book's unit price, less the line's discount (the line amount);
less the quote's overall discount; plus the product's tax. Every step is rounded half-up to the
cent on each line, and the quote's totals are the sums of its lines, so the total is always
exactly subtotal − overall discount + tax, and the order made from the quote adds up the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from guanxi.commerce.models import Product
from guanxi.commerce.pricing import Pricer, books_for
from guanxi.core.errors import ServiceValidationError
from guanxi.core.numbers import decimal_in, percent_in
from guanxi.sales.models import Quote, QuoteLine

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
HUNDRED = Decimal(100)
MAX_LINES = 200
MAX_QUANTITY = Decimal("999999999")
# What the amount columns hold (14 digits, 2 after the point).
MAX_AMOUNT = Decimal("999999999999.99")
_error = ServiceValidationError.for_field


@dataclass(frozen=True)
class QuoteLineInput:
    product: Product
    quantity: Decimal | int | str = Decimal(1)
    discount_percent: Decimal | int | str = Decimal(0)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clean_percent(value: Any, field: str) -> Decimal:
    return percent_in(value, field).quantize(CENT, rounding=ROUND_HALF_UP)


def combined_discount(line_percent: Decimal, overall_percent: Decimal) -> Decimal:
    """A line's discount and the quote's overall discount taken together, as one percentage."""
    kept = (HUNDRED - line_percent) * (HUNDRED - overall_percent) / HUNDRED
    return _cents(HUNDRED - kept)


def priced_lines(
    *,
    org_id: int,
    lines: Sequence[QuoteLineInput],
    contact: Any,
    account: Any,
    day: datetime.date,
    overall_percent: Decimal,
) -> list[QuoteLine]:
    """Unsaved lines, priced for this customer on this day; refuses what cannot be priced."""
    if not lines:
        raise _error("lines", _("A quote needs at least one line."))
    if len(lines) > MAX_LINES:
        raise _error("lines", _("At most %(count)s lines.") % {"count": MAX_LINES})
    overall_percent = clean_percent(overall_percent, "discount_percent")
    pricer = Pricer(books_for(org_id, contact, account), day)
    built = []
    for index, given in enumerate(lines):
        field = f"lines.{index}"
        product = given.product
        if product.org_id != org_id:
            raise _error(f"{field}.product_id", _("No such product."))
        if not product.active:
            raise _error(f"{field}.product_id", _("This product is no longer sold."))
        quantity = decimal_in(given.quantity, f"{field}.quantity")
        if not Decimal(0) < quantity <= MAX_QUANTITY or quantity != quantity.quantize(MILLI):
            raise _error(
                f"{field}.quantity", _("The quantity must be positive, with at most 3 decimals.")
            )
        discount = clean_percent(given.discount_percent, f"{field}.discount_percent")
        price = pricer.price(product, quantity)
        if price is None:
            raise _error(
                f"{field}.product_id",
                _("“%(product)s” has no list price and no price book prices it.")
                % {"product": product.name},
            )
        gross = _cents(quantity * price.unit_price)
        if gross > MAX_AMOUNT:
            raise _error(f"{field}.quantity", _("This line's amount is too large for one quote."))
        net = _cents(gross * (HUNDRED - discount) / HUNDRED)
        after_overall = _cents(net * (HUNDRED - overall_percent) / HUNDRED)
        tax = _cents(after_overall * product.tax_rate / HUNDRED)
        built.append(
            QuoteLine(
                product=product,
                description=product.name,
                unit=product.unit,
                quantity=quantity,
                list_price=price.list_price,
                unit_price=price.unit_price,
                price_rule=price.rule_label[:200],
                discount_percent=discount,
                tax_rate=product.tax_rate,
                net_amount=net,
                tax_amount=tax,
                total_amount=after_overall + tax,
                position=index,
            )
        )
    return built


def reprice_totals(quote: Quote, lines: Sequence[QuoteLine]) -> None:
    """The lines' tax and totals again under the quote's overall discount, prices unchanged."""
    for line in lines:
        after_overall = _cents(line.net_amount * (HUNDRED - quote.discount_percent) / HUNDRED)
        line.tax_amount = _cents(after_overall * line.tax_rate / HUNDRED)
        line.total_amount = after_overall + line.tax_amount
    set_totals(quote, lines)


def set_totals(quote: Quote, lines: Sequence[QuoteLine]) -> None:
    """The quote's totals from its lines, and the largest discount the rep gave."""
    subtotal = sum((line.net_amount for line in lines), Decimal(0))
    tax = sum((line.tax_amount for line in lines), Decimal(0))
    total = sum((line.total_amount for line in lines), Decimal(0))
    if max(subtotal, total) > MAX_AMOUNT:
        raise _error("lines", _("The quote's total is too large; split it into several quotes."))
    quote.subtotal = subtotal
    quote.tax_total = tax
    quote.total = total
    quote.discount_total = subtotal + tax - total
    quote.max_discount_percent = max(
        (combined_discount(line.discount_percent, quote.discount_percent) for line in lines),
        default=Decimal(0),
    )


def final_unit_price(line: QuoteLine, overall_percent: Decimal) -> Decimal:
    """What one unit costs the customer before tax, every discount taken: what two quotes are
    compared by."""
    kept = (HUNDRED - line.discount_percent) * (HUNDRED - overall_percent) / HUNDRED / HUNDRED
    return _cents(line.unit_price * kept)
