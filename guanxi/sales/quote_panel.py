"""The "Quotes" panel on the customer 360 page, beside the customer's value: every quote the
viewer may see with its status and total, so whoever talks to the customer next knows what price
was offered and by whom (the complaint of the customer quoted twice)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from guanxi.customers.panels import Panel
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.selectors import quotes_of_customer


def quotes_context(user: Any, record: Any) -> dict[str, Any] | None:
    quotes = quotes_of_customer(user, record)
    can_quote = user.has_role_permission(SalesPermission.CHANGE_OPPORTUNITIES)
    if not quotes and not can_quote:
        return None
    return {
        "quotes": quotes,
        "can_quote": can_quote,
        "kind": record._meta.model_name,
        "record": record,
    }


QUOTES_PANEL = Panel(
    key="quotes",
    title=_("Quotes"),
    template="sales/quotes_panel.html",
    context=quotes_context,
    order=25,
)
