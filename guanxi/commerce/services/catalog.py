"""Writes for the catalogue: products and price books with their rules (managers and
administrators). A price book is written whole, rules included, in one transaction: a book whose
third rule is wrong is refused with that rule named, not saved with two."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.commerce.models import PriceBook, PriceRule, Product
from guanxi.commerce.permissions import CommercePermission
from guanxi.core.errors import ConflictError, ServiceValidationError
from guanxi.core.numbers import decimal_in, percent_in
from guanxi.customers.models import Account, Contact
from guanxi.customers.regions import normalize_region
from guanxi.customers.services.records import resolve_tags
from guanxi.platform.records import require_permission, require_visible
from guanxi.platform.services.audit import audit_record

_error = ServiceValidationError.for_field
MAX_PRICE = Decimal("999999999999.99")
MAX_RULES = 200


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise _error(field, _("This field is required."))
    if len(text) > limit:
        raise _error(field, _("At most %(count)s characters.") % {"count": limit})
    return text


def _decimal(value: Any, field: str) -> Decimal | None:
    return None if value is None or value == "" else decimal_in(value, field)


def _percent(value: Any, field: str) -> Decimal | None:
    return None if value is None or value == "" else percent_in(value, field)


def _price(value: Any, field: str) -> Decimal | None:
    number = _decimal(value, field)
    if number is not None and not Decimal(0) <= number <= MAX_PRICE:
        raise _error(field, _("The amount must be between 0 and 999,999,999,999.99."))
    return number


@transaction.atomic
def product_create(
    *,
    actor: Any,
    sku: str,
    name: str,
    list_price: Decimal | str | None = None,
    tax_rate: Decimal | str = Decimal(0),
    unit: str = "",
    category: str = "",
    active: bool = True,
) -> Product:
    require_permission(actor, CommercePermission.MANAGE_CATALOG)
    sku = _text(sku, "sku", 64, required=True)
    if Product.objects.filter(org_id=actor.org_id, sku=sku).exists():
        raise _sku_taken()
    product = Product(
        org_id=actor.org_id,
        sku=sku,
        name=_text(name, "name", 200, required=True),
        unit=_text(unit, "unit", 20),
        category=_text(category, "category", 60),
        list_price=_price(list_price, "list_price"),
        tax_rate=_percent(tax_rate, "tax_rate") or Decimal(0),
        active=active,
    )
    try:
        with transaction.atomic():  # another request may take the SKU after the check
            product.save()
    except IntegrityError:
        raise _sku_taken() from None
    audit_record(
        actor=actor,
        verb="commerce.product.created",
        target=product,
        changes={
            "sku": {"before": None, "after": sku},
            "list_price": {"before": None, "after": _plain(product.list_price)},
        },
    )
    return product


def _sku_taken() -> ConflictError:
    message = _("A product with this SKU exists already.")
    return ConflictError(message, field_errors={"sku": [message]})


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class RuleInput:
    product: Product | None = None
    category: str = ""
    min_quantity: Decimal | int | str = Decimal(0)
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    fixed_price: Decimal | int | str | None = None
    discount_percent: Decimal | int | str | None = None


def _rule(actor: Any, index: int, given: RuleInput) -> PriceRule:
    field = f"rules.{index}"
    if given.product is not None and given.product.org_id != actor.org_id:
        raise _error(f"{field}.product_id", _("No such product."))
    if (given.fixed_price in (None, "")) == (given.discount_percent in (None, "")):
        raise _error(field, _("Give either a fixed price or a discount on the list price."))
    if given.product is not None and given.category:
        raise _error(field, _("A rule prices a product or a category, not both."))
    minimum = _decimal(given.min_quantity, f"{field}.min_quantity") or Decimal(0)
    if minimum < 0:
        raise _error(f"{field}.min_quantity", _("The minimum quantity cannot be negative."))
    if given.valid_from and given.valid_until and given.valid_until < given.valid_from:
        raise _error(f"{field}.valid_until", _("The end date comes before the start date."))
    return PriceRule(
        product=given.product,
        category=_text(given.category, f"{field}.category", 60),
        min_quantity=minimum,
        valid_from=given.valid_from,
        valid_until=given.valid_until,
        fixed_price=_price(given.fixed_price, f"{field}.fixed_price"),
        discount_percent=_percent(given.discount_percent, f"{field}.discount_percent"),
        position=index,
    )


@transaction.atomic
def price_book_create(
    *,
    actor: Any,
    name: str,
    rules: Sequence[RuleInput] = (),
    customer_tag: str = "",
    province: str = "",
    account: Account | None = None,
    contact: Contact | None = None,
    active: bool = True,
) -> PriceBook:
    """One book for everyone, a customer group (a tag, by name), a region or one named
    customer."""
    require_permission(actor, CommercePermission.MANAGE_CATALOG)
    name = _text(name, "name", 100, required=True)
    scopes = [bool(customer_tag.strip()), bool(province.strip()), bool(account or contact)]
    if sum(scopes) > 1 or (account is not None and contact is not None):
        raise _error("scope", _("A price book is for a group, a region or one customer: one."))
    for record in (account, contact):
        if record is not None:
            require_visible(actor, record)
    if province.strip():
        province = normalize_region(province.strip(), "", "")[0]
    if len(rules) > MAX_RULES:
        raise _error("rules", _("At most %(count)s rules.") % {"count": MAX_RULES})
    built = [_rule(actor, index, rule) for index, rule in enumerate(rules)]
    tags = resolve_tags(actor.org_id, [customer_tag]) if customer_tag.strip() else []
    book = PriceBook.objects.create(
        org_id=actor.org_id,
        name=name,
        active=active,
        customer_tag=tags[0] if tags else None,
        province=province,
        account=account,
        contact=contact,
    )
    for rule in built:
        rule.book = book
    PriceRule.objects.bulk_create(built)
    audit_record(
        actor=actor,
        verb="commerce.price_book.created",
        target=book,
        changes={
            "name": {"before": None, "after": name},
            "rules": {"before": None, "after": len(built)},
        },
    )
    return book
