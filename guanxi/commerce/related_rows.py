"""Orders in the customers' purge / merge / erase registry.

An order is a fact about the business (revenue, stock, tax) whatever becomes of the customer: it
is never deleted with one. On purge and erasure it stays without its customer (it holds no
personal data of its own: amount, day, store, channel), so totals and analytics stay right; on a
merge it follows the customer. ``Order.contact`` and ``Order.account`` are ``SET_NULL`` for the
same reason, should a customer ever be deleted outside the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from guanxi.commerce.models import Order
from guanxi.customers.registry import (
    UNLINKED,
    Counts,
    CustomerRef,
    Merge,
    Moved,
    RelatedRows,
    register_related_rows,
    repoint,
    repoint_back,
)


def orders_keep_unlinked(customer: CustomerRef) -> Counts:
    """``updated_at`` moves so that API clients syncing with ``updated_since`` see the change."""
    unlinked = Order.objects.filter(**{f"{customer.field}_id": customer.pk}).update(
        **{customer.field: None}, updated_at=timezone.now()
    )
    return {UNLINKED: unlinked}


def orders_follow_the_merge(merge: Merge) -> Moved:
    return repoint(Order.objects.all(), merge.source.field, merge, updated_at=timezone.now())


def orders_go_back(merge: Merge, pks: Sequence[Any]) -> Counts:
    """Undoing a merge: the orders that moved return to the restored customer."""
    return repoint_back(
        Order.objects.all(), merge.source.field, merge, pks, updated_at=timezone.now()
    )


def register() -> None:
    register_related_rows(
        RelatedRows(
            label="commerce.order",
            on_purge=orders_keep_unlinked,
            on_merge=orders_follow_the_merge,
            on_unmerge=orders_go_back,
            on_erase=orders_keep_unlinked,
        )
    )
