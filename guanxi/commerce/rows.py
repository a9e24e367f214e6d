"""One order row as a shop system sends it, checked and turned into typed values.

The column names are an interface outside tools rely on: ``order_id, customer_id, ordered_at,
amount`` and optionally ``currency, store, channel, status, phone, email, name``.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.commerce.choices import OrderStatus
from guanxi.core.errors import ServiceValidationError
from guanxi.customers.phones import normalize_phone

REQUIRED_COLUMNS = ("order_id", "customer_id", "ordered_at", "amount")
OPTIONAL_COLUMNS = ("currency", "store", "channel", "status", "phone", "email", "name")
MAX_AMOUNT = decimal.Decimal("999999999999.99")
CURRENCY = re.compile(r"^[A-Z]{3}$")
STATUSES = frozenset(OrderStatus.values)


@dataclass(frozen=True)
class RowContext:
    """What every row of one batch shares, looked up once instead of once a row."""

    currency: str
    zone: datetime.tzinfo
    latest: datetime.datetime  # an order may not be later than this

    @classmethod
    def now(cls) -> RowContext:
        return cls(
            currency=settings.GUANXI_CURRENCY,
            zone=timezone.get_default_timezone(),
            latest=timezone.now() + datetime.timedelta(days=1),
        )


class RowProblem(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class OrderRow:
    order_id: str
    customer_id: str
    ordered_at: datetime.datetime
    ordered_on: datetime.date
    amount: decimal.Decimal
    currency: str
    store: str
    channel: str
    status: str
    phone: str
    email: str
    name: str


def parse_moment(text: str, zone: datetime.tzinfo | None = None) -> datetime.datetime:
    """A date (the start of that local day) or an ISO date-time (local when it has no offset)."""
    value = text.strip().replace("/", "-")
    if re.fullmatch(r"\d{8}", value):
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
        year, month, day = (int(part) for part in value.split("-"))
        moment = datetime.datetime(year, month, day)
    else:
        moment = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone or timezone.get_default_timezone())
    return moment


def _text(row: Mapping[str, str], name: str, limit: int) -> str:
    value = " ".join((row.get(name) or "").split())
    if len(value) > limit:
        raise RowProblem(name, _("At most %(count)s characters.") % {"count": limit})
    return value


def _amount(raw: str) -> decimal.Decimal:
    try:
        amount = decimal.Decimal(raw.replace(",", "").replace("¥", "").replace("￥", "").strip())
    except decimal.InvalidOperation:
        raise RowProblem(
            "amount", _("“%(value)s” is not an amount.") % {"value": raw[:30]}
        ) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise RowProblem(
            "amount",
            _(
                "The amount must be between 0 and 999,999,999,999.99; "
                "mark refunds with the status “refunded”."
            ),
        )
    return amount.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)


def parse_order_row(row: Mapping[str, str], context: RowContext | None = None) -> OrderRow:
    context = context or RowContext.now()
    order_id = _text(row, "order_id", 64)
    if not order_id:
        raise RowProblem("order_id", _("The order id is missing."))
    customer_id = _text(row, "customer_id", 64)
    if not customer_id:
        raise RowProblem("customer_id", _("The customer id is missing."))
    raw_moment = (row.get("ordered_at") or "").strip()
    try:
        ordered_at = parse_moment(raw_moment, context.zone)
    except ValueError:
        raise RowProblem(
            "ordered_at",
            _("“%(value)s” is not a date (1997-01-01) or an ISO date-time.")
            % {"value": raw_moment[:30]},
        ) from None
    if ordered_at > context.latest:
        raise RowProblem("ordered_at", _("The order date is in the future."))
    currency = (row.get("currency") or "").strip().upper() or context.currency
    if not CURRENCY.match(currency):
        raise RowProblem("currency", _("Use a three-letter currency code such as CNY."))
    status = (row.get("status") or "").strip().lower() or OrderStatus.COMPLETED
    if status not in STATUSES:
        raise RowProblem(
            "status",
            _("The status must be one of: %(values)s.") % {"values": ", ".join(OrderStatus.values)},
        )
    phone = (row.get("phone") or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone, field="phone")
        except ServiceValidationError as exc:
            raise RowProblem("phone", exc.message) from None
    email = (row.get("email") or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowProblem(
                "email", _("“%(value)s” is not a valid e-mail address.") % {"value": email[:60]}
            ) from None
    return OrderRow(
        order_id=order_id,
        customer_id=customer_id,
        ordered_at=ordered_at,
        ordered_on=ordered_at.astimezone(context.zone).date(),
        amount=_amount(row.get("amount") or ""),
        currency=currency,
        store=_text(row, "store", 60),
        channel=_text(row, "channel", 60),
        status=status,
        phone=phone,
        email=email,
        name=_text(row, "name", 100),
    )
