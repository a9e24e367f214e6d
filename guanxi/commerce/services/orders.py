"""Writing single orders (from a shop integration or by hand): create with lines, change status.

Bulk history arrives through :mod:`imports`; this is the path for one order at a time, with its
lines, where each write is audited on the customer's timeline.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.commerce.choices import OrderStatus
from guanxi.commerce.models import Order, OrderLine, Product
from guanxi.commerce.permissions import CommercePermission
from guanxi.commerce.rows import CURRENCY, MAX_AMOUNT
from guanxi.core.errors import ConflictError, PermissionDeniedError, ServiceValidationError
from guanxi.customers.models import Contact
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_see

CENT = decimal.Decimal("0.01")
MAX_LINES = 500
_error = ServiceValidationError.for_field


@dataclass(frozen=True)
class LineInput:
    description: str = ""
    sku: str = ""
    quantity: decimal.Decimal = decimal.Decimal(1)
    unit_price: decimal.Decimal = decimal.Decimal(0)


def _order_id_taken() -> ConflictError:
    message = _("An order with this order id exists already.")
    return ConflictError(message, field_errors={"order_id": [message]})


def _require_writer(actor: Any) -> None:
    if not actor.has_role_permission(CommercePermission.IMPORT_ORDERS):
        raise PermissionDeniedError(_("You may not record orders."))


def _lines(org_id: int, lines: Sequence[LineInput]) -> list[OrderLine]:
    if len(lines) > MAX_LINES:
        raise _error("lines", _("At most %(count)s lines.") % {"count": MAX_LINES})
    skus = {line.sku for line in lines if line.sku}
    products = {p.sku: p for p in Product.objects.filter(org_id=org_id, sku__in=skus)}
    built = []
    for index, line in enumerate(lines):
        product = products.get(line.sku) if line.sku else None
        if line.sku and product is None:
            raise _error(
                f"lines.{index}.sku", _("No product has the SKU “%(sku)s”.") % {"sku": line.sku}
            )
        description = " ".join(line.description.split())[:200]
        if product is None and not description:
            raise _error(f"lines.{index}.description", _("Name the product or describe the line."))
        if line.quantity <= 0 or line.unit_price < 0:
            raise _error(
                f"lines.{index}", _("The quantity must be positive and the price not negative.")
            )
        amount = (line.quantity * line.unit_price).quantize(CENT, rounding=decimal.ROUND_HALF_UP)
        built.append(
            OrderLine(
                product=product,
                description=description or product.name if product else description,
                quantity=line.quantity,
                unit_price=line.unit_price.quantize(CENT),
                amount=amount,
                position=index,
            )
        )
    return built


@transaction.atomic
def order_create(
    *,
    actor: Any,
    contact: Contact,
    ordered_at: datetime.datetime,
    lines: Sequence[LineInput] = (),
    amount: decimal.Decimal | None = None,
    external_id: str = "",
    currency: str = "",
    store: str = "",
    channel: str = "",
    status: str = OrderStatus.COMPLETED,
) -> Order:
    """The amount is the sum of the lines when lines are given, else ``amount``."""
    _require_writer(actor)
    if not can_see(actor, contact) or contact.deleted_at is not None:
        raise _error("customer", _("No such customer."))
    external_id = external_id.strip()[:64]
    if external_id and Order.objects.filter(org_id=actor.org_id, external_id=external_id).exists():
        raise _order_id_taken()
    if status not in OrderStatus.values:
        raise _error("status", _("Unknown status."))
    currency = (currency or settings.GUANXI_CURRENCY).upper()
    if not CURRENCY.match(currency):
        raise _error("currency", _("Use a three-letter currency code such as CNY."))
    if timezone.is_naive(ordered_at):
        ordered_at = timezone.make_aware(ordered_at)
    built = _lines(actor.org_id, lines)
    given = None if amount is None else decimal.Decimal(str(amount))
    total = sum((line.amount for line in built), decimal.Decimal(0)) if built else given
    if total is None or total < 0 or total > MAX_AMOUNT:
        raise _error("amount", _("Give the order's lines or its amount (not negative)."))
    try:
        # A savepoint: a concurrent request may take the order number after the check above.
        with transaction.atomic():
            order = Order.objects.create(
                org_id=actor.org_id,
                external_id=external_id,
                contact=contact,
                account_id=contact.account_id,
                ordered_at=ordered_at,
                ordered_on=timezone.localdate(ordered_at),
                amount=total.quantize(CENT),
                currency=currency,
                store=" ".join(store.split())[:60],
                channel=" ".join(channel.split())[:60],
                status=status,
            )
    except IntegrityError:
        if not external_id:
            raise
        raise _order_id_taken() from None
    for line in built:
        line.order = order
    OrderLine.objects.bulk_create(built)
    audit_record(
        actor=actor,
        verb="commerce.order.created",
        target=order,
        subject=contact,
        changes={
            "amount": {"before": None, "after": str(order.amount)},
            "currency": {"before": None, "after": currency},
        },
    )
    return order


@transaction.atomic
def order_set_status(*, actor: Any, order: Order, status: str) -> Order:
    """Mark an order refunded or cancelled (or completed again); analytics counts completed only."""
    _require_writer(actor)
    if status not in OrderStatus.values:
        raise _error("status", _("Unknown status."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status == status:
        return order
    before = order.status
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb="commerce.order.status_changed",
        target=order,
        subject=order.contact,
        changes={"status": {"before": before, "after": status}},
    )
    return order


@dataclass(frozen=True)
class SoldLine:
    product: Product
    description: str
    quantity: decimal.Decimal
    amount: decimal.Decimal  # what the customer pays for the line, tax included


@transaction.atomic
def order_record_sale(
    *,
    actor: Any,
    external_id: str,
    lines: Sequence[SoldLine],
    contact: Contact | None,
    account: Any = None,
    currency: str = "",
    channel: str = "",
) -> Order:
    """An order for a sale agreed in the CRM (an accepted quote): the caller has checked that the
    actor may close it, so this asks no order-import permission. Its number is the quote's, so a
    sale is recorded once however often acceptance is retried."""
    customer = contact or account
    if customer is None or not can_see(actor, customer):
        raise _error("customer", _("No such customer."))
    existing = Order.objects.filter(org_id=actor.org_id, external_id=external_id).first()
    if existing is not None:
        raise _order_id_taken()
    now = timezone.now()
    built = [
        OrderLine(
            product=line.product,
            description=line.description[:200],
            quantity=line.quantity,
            unit_price=(line.amount / line.quantity).quantize(CENT, rounding=decimal.ROUND_HALF_UP),
            amount=line.amount,
            position=index,
        )
        for index, line in enumerate(lines)
    ]
    order = Order.objects.create(
        org_id=actor.org_id,
        external_id=external_id,
        contact=contact,
        account=account if account is not None else getattr(contact, "account", None),
        ordered_at=now,
        ordered_on=timezone.localdate(now),
        amount=sum((line.amount for line in built), decimal.Decimal(0)),
        currency=(currency or settings.GUANXI_CURRENCY).upper(),
        channel=channel[:60],
        status=OrderStatus.COMPLETED,
    )
    for line in built:
        line.order = order
    OrderLine.objects.bulk_create(built)
    audit_record(
        actor=actor,
        verb="commerce.order.created",
        target=order,
        subject=customer,
        changes={
            "amount": {"before": None, "after": str(order.amount)},
            "currency": {"before": None, "after": order.currency},
        },
    )
    return order
