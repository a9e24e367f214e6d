"""Which price a customer gets for a product: the first matching rule of the price books that
apply to the customer.

Order of books: those naming the customer (its contact or its company), then those for a group
the customer belongs to (a tag), then those for its region (province), then those for everyone;
older books first among equals. In a book, the rules in the order they were written: whoever
writes the book decides which rule comes first (a 10-unit price before the 1-unit one). A rule
matches when the quantity reaches its minimum and the day lies within
its dates. No matching rule: the list price. The answer names the book and rule, so a quote line
can show why it costs what it costs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q

from guanxi.commerce.models import PriceBook, PriceRule, Product

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Price:
    unit_price: Decimal
    list_price: Decimal | None
    book: PriceBook | None
    rule: PriceRule | None

    @property
    def rule_label(self) -> str:
        """How the price was found, in words that stay true later (stored on quote lines)."""
        if self.rule is None or self.book is None:
            return ""
        rule = self.rule
        how = (
            f"{rule.fixed_price}"
            if rule.fixed_price is not None
            else f"-{rule.discount_percent.normalize():f}%"
            if rule.discount_percent is not None
            else ""
        )
        minimum = f" ≥{rule.min_quantity.normalize():f}" if rule.min_quantity > 0 else ""
        return f"{self.book.name} #{rule.position + 1}: {how}{minimum}"


def _book_rank(book: PriceBook) -> int:
    if book.contact_id or book.account_id:
        return 0
    if book.customer_tag_id:
        return 1
    if book.province:
        return 2
    return 3


def _rule_rank(rule: PriceRule) -> tuple[int, int]:
    return (rule.position, rule.pk)


def books_for(org_id: int, contact: Any = None, account: Any = None) -> list[PriceBook]:
    """The active books that apply to this customer, in the order they are tried."""
    contact_id = getattr(contact, "pk", None)
    # Only the company given: a company the seller may not see lends its contact no price.
    account_id = getattr(account, "pk", None)
    tag_ids: set[int] = set()
    provinces: set[str] = set()
    for record in (contact, account):
        if record is not None and record.pk:
            tag_ids.update(record.tags.values_list("pk", flat=True))
            if record.province:
                provinces.add(record.province)
    general = Q(contact__isnull=True, account__isnull=True, customer_tag__isnull=True, province="")
    applies = general
    if contact_id:
        applies |= Q(contact_id=contact_id)
    if account_id:
        applies |= Q(account_id=account_id)
    if tag_ids:
        applies |= Q(customer_tag_id__in=tag_ids, contact__isnull=True, account__isnull=True)
    if provinces:
        applies |= Q(
            province__in=provinces,
            customer_tag__isnull=True,
            contact__isnull=True,
            account__isnull=True,
        )
    books = PriceBook.objects.filter(applies, org_id=org_id, active=True).prefetch_related("rules")
    return sorted(books, key=lambda book: (_book_rank(book), book.pk))


def _matches(rule: PriceRule, product: Product, quantity: Decimal, day: datetime.date) -> bool:
    if rule.product_id is not None and rule.product_id != product.pk:
        return False
    if rule.product_id is None and rule.category and rule.category != product.category:
        return False
    if quantity < rule.min_quantity:
        return False
    if rule.valid_from and day < rule.valid_from:
        return False
    if rule.valid_until and day > rule.valid_until:
        return False
    # A discount needs a list price to take it from.
    return rule.fixed_price is not None or product.list_price is not None


def _apply(rule: PriceRule, product: Product) -> Decimal:
    if rule.fixed_price is not None:
        return rule.fixed_price
    list_price = product.list_price or Decimal(0)
    factor = (HUNDRED - (rule.discount_percent or Decimal(0))) / HUNDRED
    return (list_price * factor).quantize(CENT, rounding=ROUND_HALF_UP)


class Pricer:
    """Prices for one customer on one day; reads the books once for all the lines of a quote."""

    def __init__(self, books: list[PriceBook], day: datetime.date) -> None:
        self.day = day
        self.ordered = [
            (book, sorted(book.rules.all(), key=_rule_rank)) for book in books if book.active
        ]

    def price(self, product: Product, quantity: Decimal) -> Price | None:
        """``None`` when neither a rule nor a list price prices the product."""
        for book, rules in self.ordered:
            for rule in rules:
                if _matches(rule, product, quantity, self.day):
                    return Price(_apply(rule, product), product.list_price, book, rule)
        if product.list_price is None:
            return None
        return Price(product.list_price, product.list_price, None, None)
