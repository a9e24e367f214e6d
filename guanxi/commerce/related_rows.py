"""Orders in the customers' purge / merge / erase registry.

An order is a fact about the business (revenue, stock, tax) whatever becomes of the customer: it
is never deleted with one. On purge and erasure it stays without its customer (it holds no
personal data of its own: amount, day, store, channel), so totals and analytics stay right; on a
merge it follows the customer. ``Order.contact`` and ``Order.account`` are ``SET_NULL`` for the
same reason, should a customer ever be deleted outside the registry.
"""

from __future__ import annotations

from guanxi.commerce.models import Order
from guanxi.customers.registry import business_rows, register_related_rows


def register() -> None:
    register_related_rows(business_rows("commerce.order", Order))
