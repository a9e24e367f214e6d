"""Orders over the API: a JSON batch through the same import path as files, and order lists."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from guanxi.commerce import selectors
from guanxi.commerce.choices import OrderStatus
from guanxi.commerce.models import Order, OrderImport
from guanxi.commerce.rows import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from guanxi.commerce.services.imports import orders_import
from guanxi.commerce.services.orders import LineInput, order_create, order_set_status
from guanxi.customers.selectors import contacts_visible_to
from guanxi.platform.api_support import (
    WITH_BODY,
    Amount,
    Body,
    Flag,
    IsoDateTime,
    PageArgs,
    Quantity,
    answers,
    get_visible,
    page_of,
)
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.platform.tabular import Table

router = Router(tags=["orders"])
MAX_ROWS = 5000


class OrderRowIn(Schema):
    order_id: str = Field(max_length=64)
    customer_id: str = Field(max_length=64)
    ordered_at: str = Field(max_length=40, description="A date (1997-01-01) or an ISO date-time")
    amount: str = Field(max_length=30)
    currency: str = Field("", max_length=3)
    store: str = Field("", max_length=60)
    channel: str = Field("", max_length=60)
    status: str = Field("", max_length=10)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    name: str = Field("", max_length=100)


class OrderImportIn(Body):
    rows: list[OrderRowIn] = Field(max_length=MAX_ROWS)
    create_customers: Flag = False


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class OrderImportOut(Schema):
    id: uuid.UUID
    status: str
    rows_read: int
    orders_created: int
    orders_updated: int
    orders_unchanged: int
    customers_created: int
    customers_matched: int
    error_count: int
    errors: list[RowErrorOut]


class OrderOut(Schema):
    id: uuid.UUID
    order_id: str
    customer: uuid.UUID | None
    ordered_at: datetime.datetime
    amount: decimal.Decimal
    currency: str
    store: str
    channel: str
    status: str


class LineIn(Schema):
    sku: str = Field("", max_length=64)
    description: str = Field("", max_length=200)
    quantity: Quantity = Field(decimal.Decimal(1), examples=["1", "0.5"])
    unit_price: Amount = Field(examples=["88.50"])


class OrderIn(Body):
    customer: uuid.UUID
    order_id: str = Field("", max_length=64)
    ordered_at: IsoDateTime
    lines: list[LineIn] = Field(default_factory=list, max_length=500)
    amount: Amount | None = Field(None, examples=["199.00"])
    currency: str = Field("", pattern="^([A-Za-z]{3})?$", description="CNY when empty")
    store: str = Field("", max_length=60)
    channel: str = Field("", max_length=60)
    status: OrderStatus = OrderStatus.COMPLETED


class OrderStatusIn(Body):
    status: OrderStatus


class LineOut(Schema):
    sku: str | None
    description: str
    quantity: decimal.Decimal
    unit_price: decimal.Decimal
    amount: decimal.Decimal


class OrderDetailOut(OrderOut):
    lines: list[LineOut]


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class OrderFilters(PageArgs):
    customer: uuid.UUID | None = None


def import_out(report: OrderImport) -> dict[str, Any]:
    return {
        "id": report.public_id,
        **{name: getattr(report, name) for name in OrderImportOut.model_fields if name != "id"},
    }


def order_out(order: Order) -> dict[str, Any]:
    return {
        "id": order.public_id,
        "order_id": order.external_id,
        "customer": order.contact.public_id if order.contact else None,
        **{name: getattr(order, name) for name in ("ordered_at", "amount", "currency", "store")},
        "channel": order.channel,
        "status": order.status,
    }


@router.post(
    "/orders/import",
    response=answers({200: OrderImportOut}, 403, *WITH_BODY),
    summary="Import a batch of orders",
)
def import_orders(request: HttpRequest, payload: OrderImportIn) -> dict[str, Any]:
    """Idempotent by ``order_id``: sending the same batch again changes nothing."""
    rows = [row.model_dump() for row in payload.rows]
    table = Table(
        columns=[*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS],
        rows=iter(enumerate(rows, start=1)),
        total_rows=len(rows),
    )
    report = orders_import(
        actor=request.user, table=table, file_name="api", create_customers=payload.create_customers
    )
    return import_out(report)


def order_detail(order: Order) -> dict[str, Any]:
    lines = [
        {
            "sku": line.product.sku if line.product else None,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "amount": line.amount,
        }
        for line in order.lines.select_related("product")
    ]
    return {**order_out(order), "lines": lines}


def _visible_order(request: HttpRequest, order_id: uuid.UUID) -> Order:
    return get_visible(selectors.orders_visible_to(request.user), order_id, _("No such order."))


@router.post(
    "/orders",
    response=answers({201: OrderDetailOut}, 403, 404, 409, *WITH_BODY),
    summary="Record one order with its lines",
)
def create_order(request: HttpRequest, payload: OrderIn) -> Any:
    def create() -> tuple[int, dict[str, Any]]:
        contact = get_visible(
            contacts_visible_to(request.user), payload.customer, _("No such customer.")
        )
        order = order_create(
            actor=request.user,
            contact=contact,
            ordered_at=payload.ordered_at,
            lines=[LineInput(**line.model_dump()) for line in payload.lines],
            amount=payload.amount,
            external_id=payload.order_id,
            currency=payload.currency,
            store=payload.store,
            channel=payload.channel,
            status=payload.status,
        )
        return 201, OrderDetailOut.model_validate(order_detail(order)).model_dump(mode="json")

    return json_response(*idempotent_create(request, create))


@router.get(
    "/orders/{order_id}",
    response=answers({200: OrderDetailOut}, 404),
    summary="One order with its lines",
)
def get_order(request: HttpRequest, order_id: uuid.UUID) -> dict[str, Any]:
    return order_detail(_visible_order(request, order_id))


@router.patch(
    "/orders/{order_id}",
    response=answers({200: OrderDetailOut}, 403, 404, *WITH_BODY),
    summary="Refund or cancel an order",
)
def update_order(request: HttpRequest, order_id: uuid.UUID, payload: OrderStatusIn) -> Any:
    order = order_set_status(
        actor=request.user, order=_visible_order(request, order_id), status=payload.status
    )
    return order_detail(order)


@router.get(
    "/orders",
    response=answers({200: OrderPage}),
    summary="List orders of the customers you can see",
)
def list_orders(request: HttpRequest, filters: Query[OrderFilters]) -> dict[str, Any]:
    orders = selectors.orders_visible_to(request.user)
    if filters.customer:
        orders = orders.filter(contact__public_id=filters.customer)
    return page_of(orders, filters, order_out)
