"""Quote bodies for the API. Amounts go out as decimal strings; quantities and percentages come
in as decimal strings or JSON numbers (``"2.5"``, ``10``), never as floats inside."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StringConstraints

from guanxi.core.money import decimal_string
from guanxi.platform.api_support import Body, Flag, IsoDate, PageArgs, Version
from guanxi.sales.choices import QuoteStatus
from guanxi.sales.models import Quote, QuoteLine

QuantityIn = Annotated[decimal.Decimal, Field(gt=0, le=999999999, decimal_places=3)]
PercentIn = Annotated[decimal.Decimal, Field(ge=0, le=100, decimal_places=2)]
Note = Annotated[str, StringConstraints(max_length=2000)]


class QuoteLineIn(Schema):
    product_id: uuid.UUID
    quantity: QuantityIn = decimal.Decimal(1)
    discount_percent: PercentIn = decimal.Decimal(0)


class QuoteCreate(Body):
    opportunity_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=200)
    discount_percent: PercentIn = Field(decimal.Decimal(0), description="Overall discount")
    valid_until: IsoDate | None = Field(None, description="30 days from today when not given")
    note: Note = ""


class QuoteUpdate(Body):
    version: Version | None = None
    lines: list[QuoteLineIn] | None = Field(None, min_length=1, max_length=200)
    discount_percent: PercentIn | None = None
    valid_until: IsoDate | None = None
    note: Note | None = None


class VersionIn(Body):
    version: Version | None = None


class ApproveIn(Body):
    approve: Flag = Field(True, description="false refuses the discount")
    note: Annotated[str, StringConstraints(max_length=200)] = ""
    version: Version | None = Field(None, description="The version you looked at (or If-Match)")


class RejectIn(Body):
    reason: Annotated[str, StringConstraints(max_length=200)] = ""
    version: Version | None = None


class QuoteLineOut(Schema):
    position: int
    product_id: uuid.UUID
    sku: str
    description: str
    unit: str
    quantity: str
    list_price: str | None
    unit_price: str
    price_rule: str = Field(description="The price book rule that set the unit price, if any")
    discount_percent: str
    tax_rate: str
    net_amount: str
    tax_amount: str
    total_amount: str


class QuoteOut(Schema):
    id: uuid.UUID
    number: str
    revision: int
    status: str
    approval: str
    approved_by: str | None
    approval_note: str
    opportunity_id: uuid.UUID | None
    account_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    customer: str
    owner: str
    currency: str
    discount_percent: str
    max_discount_percent: str
    subtotal: str
    discount_total: str
    tax_total: str
    total: str
    valid_until: datetime.date
    note: str
    sent_at: datetime.datetime | None
    decision_reason: str
    order_id: uuid.UUID | None
    version: int
    created_at: datetime.datetime
    lines: list[QuoteLineOut]


class ConflictOut(Schema):
    quote_id: uuid.UUID | None = Field(description="null when the other quote is hidden from you")
    number: str | None
    owner: str | None
    status: str
    product_id: uuid.UUID
    sku: str
    product: str
    unit_price: str = Field(description="This quote's price per unit, before tax")
    other_unit_price: str


class QuoteSentOut(QuoteOut):
    conflicts: list[ConflictOut]


class QuotePage(Schema):
    items: list[QuoteOut]
    next_cursor: str | None


class QuoteFilters(PageArgs):
    status: QuoteStatus | None = None
    opportunity_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    awaiting_my_approval: bool = False


def _text(value: decimal.Decimal | None, places: str = "0.01") -> str | None:
    return decimal_string(value, decimal.Decimal(places))


def line_out(line: QuoteLine) -> dict[str, Any]:
    return {
        "position": line.position,
        "product_id": line.product.public_id,
        "sku": line.product.sku,
        "description": line.description,
        "unit": line.unit,
        "quantity": _text(line.quantity, "0.001"),
        "list_price": _text(line.list_price),
        "unit_price": _text(line.unit_price),
        "price_rule": line.price_rule,
        "discount_percent": _text(line.discount_percent),
        "tax_rate": _text(line.tax_rate),
        "net_amount": _text(line.net_amount),
        "tax_amount": _text(line.tax_amount),
        "total_amount": _text(line.total_amount),
    }


def quote_out(quote: Quote, shown: set[tuple[str, int]]) -> dict[str, Any]:
    """``shown``: the linked records the reader may see (``selectors.visible_links``)."""
    customer = quote.account or quote.contact
    deal = quote.opportunity
    return {
        "id": quote.public_id,
        "number": quote.label,
        "revision": quote.revision,
        "status": quote.status,
        "approval": quote.approval,
        "approved_by": quote.approved_by.display_name if quote.approved_by else None,
        "approval_note": quote.approval_note,
        "opportunity_id": deal.public_id if deal and ("opportunity", deal.pk) in shown else None,
        "account_id": quote.account.public_id if quote.account else None,
        "contact_id": quote.contact.public_id if quote.contact else None,
        "customer": str(customer) if customer else "",
        "owner": quote.owner.username,
        "currency": quote.currency,
        **{
            name: _text(getattr(quote, name))
            for name in (
                "discount_percent",
                "max_discount_percent",
                "subtotal",
                "discount_total",
                "tax_total",
                "total",
            )
        },
        "valid_until": quote.valid_until,
        "note": quote.note,
        "sent_at": quote.sent_at,
        "decision_reason": quote.decision_reason,
        "order_id": quote.order.public_id if quote.order else None,
        "version": quote.version,
        "created_at": quote.created_at,
        "lines": [line_out(line) for line in quote.lines.all()],
    }
