"""The catalogue over the API: ``GET/POST /api/v1/products``, ``GET/POST /api/v1/price-books``.

Everyone in the organisation reads products and price books (reps price quotes from them);
managers and administrators write them. A book for one named customer is listed only to those
who may see that customer.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from guanxi.commerce.models import PriceBook, PriceRule, Product
from guanxi.commerce.selectors import books_visible_to
from guanxi.commerce.services.catalog import RuleInput, price_book_create, product_create
from guanxi.core.errors import ServiceValidationError
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.platform.api_support import (
    WITH_BODY,
    Amount,
    Body,
    Flag,
    IsoDate,
    NonBlank,
    PageArgs,
    answers,
    get_visible,
    page_of,
)
from guanxi.platform.idempotency import idempotent_create, json_response

router = Router(tags=["catalogue"])

Percent = Annotated[decimal.Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Minimum = Annotated[decimal.Decimal, Field(ge=0, max_digits=12, decimal_places=3)]
Short = Annotated[str, StringConstraints(max_length=60)]


class ProductIn(Body):
    sku: Annotated[str, StringConstraints(max_length=64, pattern=r"\S")]
    name: NonBlank
    list_price: Amount | None = Field(None, examples=["1280.00"])
    tax_rate: Percent = Field(decimal.Decimal(0), examples=["13"])
    unit: Annotated[str, StringConstraints(max_length=20)] = ""
    category: Short = ""
    active: Flag = True


class ProductOut(Schema):
    id: uuid.UUID
    sku: str
    name: str
    unit: str
    list_price: decimal.Decimal | None
    tax_rate: decimal.Decimal
    category: str
    active: bool


class ProductPage(Schema):
    items: list[ProductOut]
    next_cursor: str | None


class ProductFilters(PageArgs):
    q: Annotated[str, StringConstraints(max_length=100)] = ""
    active: bool | None = None


class RuleIn(Schema):
    product_id: uuid.UUID | None = None
    category: Short = ""
    min_quantity: Minimum = decimal.Decimal(0)
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    fixed_price: Amount | None = None
    discount_percent: Percent | None = None


class PriceBookIn(Body):
    name: NonBlank
    customer_tag: Annotated[str, StringConstraints(max_length=40)] = Field(
        "", description="A customer group: customers with this tag"
    )
    province: Short = ""
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    active: Flag = True
    rules: list[RuleIn] = Field(default_factory=list, max_length=200)


class RuleOut(Schema):
    position: int
    product_id: uuid.UUID | None
    category: str
    min_quantity: decimal.Decimal
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    fixed_price: decimal.Decimal | None
    discount_percent: decimal.Decimal | None


class PriceBookOut(Schema):
    id: uuid.UUID
    name: str
    active: bool
    customer_tag: str
    province: str
    account_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    rules: list[RuleOut]


class PriceBookPage(Schema):
    items: list[PriceBookOut]
    next_cursor: str | None


def product_out(product: Product) -> dict[str, Any]:
    fields = [name for name in ProductOut.model_fields if name != "id"]
    return {"id": product.public_id, **{name: getattr(product, name) for name in fields}}


def rule_out(rule: PriceRule) -> dict[str, Any]:
    return {
        "position": rule.position,
        "product_id": rule.product.public_id if rule.product else None,
        **{
            name: getattr(rule, name)
            for name in RuleOut.model_fields
            if name not in ("position", "product_id")
        },
    }


def book_out(book: PriceBook) -> dict[str, Any]:
    return {
        "id": book.public_id,
        "name": book.name,
        "active": book.active,
        "customer_tag": book.customer_tag.name if book.customer_tag else "",
        "province": book.province,
        "account_id": book.account.public_id if book.account else None,
        "contact_id": book.contact.public_id if book.contact else None,
        "rules": [rule_out(rule) for rule in book.rules.all()],
    }


@router.get("/products", response=answers({200: ProductPage}), summary="Products")
def list_products(request: HttpRequest, filters: Query[ProductFilters]) -> Any:
    products = Product.objects.filter(org_id=request.user.org_id)  # type: ignore[union-attr]
    if filters.q.strip():
        text = filters.q.strip()
        products = products.filter(Q(sku__icontains=text) | Q(name__icontains=text))
    if filters.active is not None:
        products = products.filter(active=filters.active)
    return page_of(products, filters, product_out)


@router.post(
    "/products",
    response=answers({201: ProductOut}, 403, 409, *WITH_BODY),
    summary="Add a product (managers and administrators)",
)
def create_product(request: HttpRequest, payload: ProductIn) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        product = product_create(actor=request.user, **payload.model_dump())
        return 201, ProductOut.model_validate(product_out(product)).model_dump(mode="json")

    return json_response(*idempotent_create(request, create))


def _rules(request: HttpRequest, rules: list[RuleIn]) -> list[RuleInput]:
    wanted = {rule.product_id for rule in rules if rule.product_id}
    products = {
        p.public_id: p
        for p in Product.objects.filter(org_id=request.user.org_id, public_id__in=wanted)  # type: ignore[union-attr]
    }
    built = []
    for index, rule in enumerate(rules):
        product = products.get(rule.product_id) if rule.product_id else None
        if rule.product_id and product is None:
            raise ServiceValidationError.for_field(
                f"rules.{index}.product_id", _("No such product.")
            )
        fields = rule.model_dump(exclude={"product_id"})
        built.append(RuleInput(product=product, **fields))
    return built


@router.get("/price-books", response=answers({200: PriceBookPage}), summary="Price books")
def list_price_books(request: HttpRequest, filters: Query[PageArgs]) -> Any:
    return page_of(books_visible_to(request.user), filters, book_out)


@router.post(
    "/price-books",
    response=answers({201: PriceBookOut}, 403, 404, *WITH_BODY),
    summary="Add a price book with its rules (managers and administrators)",
)
def create_price_book(request: HttpRequest, payload: PriceBookIn) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        user = request.user
        account = contact = None
        if payload.account_id:
            account = get_visible(accounts_visible_to(user), payload.account_id)
        if payload.contact_id:
            contact = get_visible(contacts_visible_to(user), payload.contact_id)
        book = price_book_create(
            actor=user,
            name=payload.name,
            rules=_rules(request, payload.rules),
            customer_tag=payload.customer_tag,
            province=payload.province,
            account=account,
            contact=contact,
            active=payload.active,
        )
        book = books_visible_to(user).get(pk=book.pk)
        return 201, PriceBookOut.model_validate(book_out(book)).model_dump(mode="json")

    return json_response(*idempotent_create(request, create))
