"""One price per customer: other open quotes of the same customer that price a product of this
quote differently (the customer who was quoted two prices by two reps).

Compared is what one unit costs the customer before tax, every discount taken. Earlier revisions
of the same quote do not count. A quote the sender may not see is reported without its number or
owner (nor whether it was sent): the sender learns that another price is out there, not whose.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Q
from django.utils import timezone

from guanxi.sales.choices import OPEN_QUOTE_STATUSES
from guanxi.sales.models import Quote
from guanxi.sales.selectors import quotes_visible_to
from guanxi.sales.services.quote_lines import final_unit_price


class Conflict(TypedDict):
    quote_id: uuid.UUID | None
    number: str | None
    owner: str | None
    status: str
    product_id: uuid.UUID
    sku: str
    product: str
    unit_price: str
    other_unit_price: str


def same_customer(quote: Quote) -> Q:
    if quote.account_id:
        return Q(account_id=quote.account_id)
    return Q(contact_id=quote.contact_id, account__isnull=True)


def price_conflicts(viewer: Any, quote: Quote) -> list[Conflict]:
    mine: dict[int, Decimal] = {
        line.product_id: final_unit_price(line, quote.discount_percent)
        for line in quote.lines.all()
    }
    others = (
        Quote.objects.filter(
            same_customer(quote),
            org_id=quote.org_id,
            status__in=OPEN_QUOTE_STATUSES,
            valid_until__gte=timezone.localdate(),
            lines__product_id__in=list(mine),
        )
        .exclude(number=quote.number)
        .distinct()
        .select_related("owner")
        .prefetch_related("lines__product")
        .order_by("pk")
    )
    found: list[Conflict] = []
    shown = set(
        quotes_visible_to(viewer).filter(pk__in=others.values("pk")).values_list("pk", flat=True)
    )
    for other in others:
        visible = other.pk in shown
        for line in other.lines.all():
            if line.product_id not in mine:
                continue
            theirs = final_unit_price(line, other.discount_percent)
            if theirs == mine[line.product_id]:
                continue
            found.append(
                {
                    "quote_id": other.public_id if visible else None,
                    "number": other.label if visible else None,
                    "owner": other.owner.display_name if visible else None,
                    "status": other.status if visible else "",
                    "product_id": line.product.public_id,
                    "sku": line.product.sku,
                    "product": line.product.name,
                    "unit_price": str(mine[line.product_id]),
                    "other_unit_price": str(theirs),
                }
            )
    return found
