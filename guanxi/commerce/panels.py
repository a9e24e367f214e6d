"""The "Orders" panel on a contact's 360 page: the latest orders and the total spent."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from guanxi.commerce.choices import OrderStatus
from guanxi.commerce.models import Order
from guanxi.commerce.selectors import orders_of_contact
from guanxi.customers.panels import Panel


def orders_context(user: Any, contact: Any) -> dict[str, Any] | None:
    totals = Order.objects.filter(contact=contact, status=OrderStatus.COMPLETED).aggregate(
        count=Count("id"), amount=Sum("amount")
    )
    if not totals["count"]:
        return None
    return {"orders": orders_of_contact(contact, limit=10), "totals": totals}


ORDERS_PANEL = Panel(
    key="orders",
    title=_("Orders"),
    template="commerce/orders_panel.html",
    context=orders_context,
    order=30,
    applies_to=frozenset({"contact"}),
)
