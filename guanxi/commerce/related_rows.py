"""Orders and named-customer price books in the customers' purge / merge / erase registry.

An order is a fact about the business (revenue, stock, tax) whatever becomes of the customer: it
is never deleted with one. On purge and erasure it stays without its customer (it holds no
personal data of its own: amount, day, store, channel), so totals and analytics stay right; on a
merge it follows the customer. ``Order.contact`` and ``Order.account`` are ``SET_NULL`` for the
same reason, should a customer ever be deleted outside the registry.

A price book for one named customer follows a merge too; when its customer is purged or erased
it is switched off as it loses the name, since a book naming nobody would apply to everyone.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from guanxi.commerce.models import Order, PriceBook
from guanxi.customers.registry import (
    UNLINKED,
    Counts,
    CustomerRef,
    business_rows,
    register_related_rows,
)


def books_lose_their_customer(customer: CustomerRef) -> Counts:
    if customer.field not in ("contact", "account"):
        return {}
    books = PriceBook.objects.filter(**{f"{customer.field}_id": customer.pk})
    changed = books.update(**{customer.field: None}, active=False, updated_at=timezone.now())
    return {UNLINKED: changed}


def register() -> None:
    register_related_rows(business_rows("commerce.order", Order))
    books = business_rows("commerce.price_book", PriceBook, on_erase=books_lose_their_customer)
    register_related_rows(replace(books, on_purge=books_lose_their_customer))
