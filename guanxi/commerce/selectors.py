"""Reads for orders. An order is visible to whoever may see its customer."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from guanxi.commerce.models import Order, OrderImport, PriceBook
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to


def orders_visible_to(user: Any) -> QuerySet[Order]:
    """A company's order without a contact (a B2B sale) is visible with its company."""
    return Order.objects.filter(
        Q(contact__in=contacts_visible_to(user))
        | Q(contact__isnull=True, account__in=accounts_visible_to(user))
    ).select_related("contact")


def orders_of_contact(contact: Any, *, limit: int = 20) -> list[Order]:
    return list(Order.objects.filter(contact=contact).order_by("-ordered_at", "-id")[:limit])


def recent_imports(user: Any, *, limit: int = 10) -> list[OrderImport]:
    return list(OrderImport.objects.filter(org_id=user.org_id).order_by("-id")[:limit])


def books_visible_to(user: Any) -> QuerySet[PriceBook]:
    """Books for everyone, a group or a region, and those naming a customer the user can see."""
    named = Q(account__isnull=False) | Q(contact__isnull=False)
    return (
        PriceBook.objects.filter(org_id=user.org_id)
        .filter(
            ~named
            | Q(account__in=accounts_visible_to(user))
            | Q(contact__in=contacts_visible_to(user))
        )
        .select_related("customer_tag", "account", "contact")
        .prefetch_related("rules__product")
    )
