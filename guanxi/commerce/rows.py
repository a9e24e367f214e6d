"""One order row as a shop system sends it, checked and turned into typed values.

The column names are an interface outside tools rely on: ``order_id, customer_id, ordered_at,
amount`` and optionally ``currency, store, channel, status, phone, email, name``. A POS export
headed in Chinese (订单号, 客户, 日期, 金额 ...) is mapped onto them through the aliases of
:data:`ORDER_FIELDS`, as every import maps its columns.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.commerce.choices import OrderStatus
from guanxi.core.errors import ServiceValidationError
from guanxi.customers.phones import normalize_phone
from guanxi.platform.imports.registry import ImportField
from guanxi.platform.imports.values import parse_date

REQUIRED_COLUMNS = ("order_id", "customer_id", "ordered_at", "amount")
OPTIONAL_COLUMNS = ("currency", "store", "channel", "status", "phone", "email", "name")
MAX_AMOUNT = decimal.Decimal("999999999999.99")
CURRENCY = re.compile(r"^[A-Z]{3}$")
STATUSES = frozenset(OrderStatus.values)


def _field(key: str, label: Promise, aliases: tuple[str, ...], **options: bool) -> ImportField:
    """The label stays lazy, translated when shown (``ImportField.label`` is typed ``str``)."""
    return ImportField(key, cast(str, label), aliases, **options)


# Header words that name each column, English and as Chinese shop systems write them; the first
# exact alias wins when a file has several (实付金额 before 订单金额).
ORDER_FIELDS = (
    _field(
        "order_id",
        gettext_lazy("Order id"),
        ("订单号", "单号", "订单编号", "订单id", "单据号", "流水号", "order no", "order number"),
        required=True,
    ),
    _field(
        "customer_id",
        gettext_lazy("Customer id"),
        ("客户", "客户编号", "会员号", "顾客", "会员卡号", "会员编号", "customer id", "customer"),
        required=True,
    ),
    _field(
        "ordered_at",
        gettext_lazy("Order date"),
        ("日期", "下单时间", "订单日期", "时间", "下单日期", "交易时间", "order date", "date"),
        required=True,
    ),
    _field(
        "amount",
        gettext_lazy("Amount"),
        ("实付金额", "金额", "订单金额", "总额", "合计", "总金额", "实收金额", "total"),
        required=True,
    ),
    _field("currency", gettext_lazy("Currency"), ("币种", "货币")),
    _field("store", gettext_lazy("Store"), ("门店", "店铺", "商店", "shop")),
    _field("channel", gettext_lazy("Channel"), ("渠道", "来源渠道")),
    _field("status", gettext_lazy("Status"), ("状态", "订单状态")),
    _field("phone", gettext_lazy("Phone"), ("手机", "电话", "手机号", "手机号码", "mobile")),
    _field("email", gettext_lazy("E-mail"), ("邮箱", "电子邮件", "e-mail")),
    _field("name", gettext_lazy("Customer name"), ("姓名", "客户姓名", "会员姓名", "顾客姓名")),
)


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


_LOCAL_MOMENT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?[\sT]*"
    r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$"
)


def _naive_moment(value: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        pass
    if match := _LOCAL_MOMENT.match(value):  # "2026/1/3 14:05", as POS systems write it
        year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
        return datetime.datetime(year, month, day, hour, minute, second)
    if date := parse_date(value):
        return datetime.datetime(date.year, date.month, date.day)
    raise ValueError(value)


def parse_moment(text: str, zone: datetime.tzinfo | None = None) -> datetime.datetime:
    """A date (the start of that local day) in any form people write one (2026-01-03,
    2026/1/3, 20260103, 2026年1月3日), or a date-time: ISO (local when it has no offset) or
    "2026/1/3 14:05"."""
    moment = _naive_moment(text.strip())
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
