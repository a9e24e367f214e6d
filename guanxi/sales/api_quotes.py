"""Quotes in the API: ``/api/v1/quotes`` and its actions (send, approve, accept, reject, revise,
pdf). Handlers parse, find the visible quote, call a service, answer."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from guanxi.commerce.models import Product
from guanxi.core.errors import ServiceValidationError
from guanxi.customers.api.common import active_colleague
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.platform.api_support import (
    WITH_BODY,
    Body,
    answers,
    expected_version,
    get_visible,
    page_of,
    set_etag,
)
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.sales import selectors
from guanxi.sales.models import Quote
from guanxi.sales.quote_document import quote_pdf
from guanxi.sales.quote_schemas import (
    ApproveIn,
    PercentIn,
    QuoteCreate,
    QuoteFilters,
    QuoteLineIn,
    QuoteOut,
    QuotePage,
    QuoteSentOut,
    QuoteUpdate,
    RejectIn,
    VersionIn,
    quote_out,
)
from guanxi.sales.services.discounts import discount_limit_set
from guanxi.sales.services.quote_approval import quote_decide_discount
from guanxi.sales.services.quote_flow import quote_accept, quote_reject, quote_send
from guanxi.sales.services.quote_lines import QuoteLineInput
from guanxi.sales.services.quotes import quote_create, quote_revise, quote_update

router = Router(tags=["quotes"])


def _quote(request: HttpRequest, quote_id: uuid.UUID) -> Quote:
    return get_visible(selectors.quotes_visible_to(request.user), quote_id, _("No such quote."))  # type: ignore[no-any-return]


def quote_body(request: HttpRequest, quote: Quote) -> dict[str, Any]:
    quote = (
        selectors.quotes_visible_to(request.user)
        .prefetch_related("lines__product")
        .get(pk=quote.pk)
    )
    shown = selectors.visible_links(request.user, [quote])
    return QuoteOut.model_validate(quote_out(quote, shown)).model_dump(mode="json")


def _lines(request: HttpRequest, lines: list[QuoteLineIn]) -> list[QuoteLineInput]:
    wanted = {line.product_id for line in lines}
    products = {
        product.public_id: product
        for product in Product.objects.filter(org_id=request.user.org_id, public_id__in=wanted)  # type: ignore[union-attr]
    }
    built = []
    for index, line in enumerate(lines):
        product = products.get(line.product_id)
        if product is None:
            raise ServiceValidationError.for_field(
                f"lines.{index}.product_id", _("No such product.")
            )
        built.append(QuoteLineInput(product, line.quantity, line.discount_percent))
    return built


@router.get("/quotes", response=answers({200: QuotePage}), summary="Quotes")
def list_quotes(request: HttpRequest, filters: Query[QuoteFilters]) -> Any:
    user = request.user
    ids: dict[str, int | None] = {}
    for name, visible in (
        ("opportunity", selectors.opportunities_visible_to),
        ("account", accounts_visible_to),
        ("contact", contacts_visible_to),
    ):
        wanted = getattr(filters, f"{name}_id")
        if wanted:
            found = visible(user).filter(public_id=wanted).values_list("pk", flat=True).first()
            ids[f"{name}_id"] = found or -1
    quotes = selectors.quote_list(
        user,
        status=filters.status or "",
        awaiting_my_approval=filters.awaiting_my_approval,
        **ids,
    ).prefetch_related("lines__product")
    deals = selectors.opportunities_visible_to(user).filter(pk__in=quotes.values("opportunity_id"))
    shown = {("opportunity", pk) for pk in deals.values_list("pk", flat=True)}

    def out(quote: Quote) -> dict[str, Any]:
        return quote_out(quote, shown)

    return page_of(quotes, filters, out)


@router.post(
    "/quotes",
    response=answers({201: QuoteOut}, 403, 404, *WITH_BODY),
    summary="Quote an opportunity, a company or a contact from its price books",
)
def create_quote(request: HttpRequest, payload: QuoteCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        user = request.user
        given = [payload.opportunity_id, payload.account_id, payload.contact_id]
        if sum(1 for value in given if value) != 1:
            raise ServiceValidationError.for_field(
                "opportunity_id", _("Give one of opportunity_id, account_id or contact_id.")
            )
        deal = account = contact = None
        if payload.opportunity_id:
            deal = get_visible(selectors.opportunities_visible_to(user), payload.opportunity_id)
        if payload.account_id:
            account = get_visible(accounts_visible_to(user), payload.account_id)
        if payload.contact_id:
            contact = get_visible(contacts_visible_to(user), payload.contact_id)
        quote = quote_create(
            actor=user,
            lines=_lines(request, payload.lines),
            opportunity=deal,
            account=account,
            contact=contact,
            discount_percent=payload.discount_percent,
            valid_until=payload.valid_until,
            note=payload.note,
        )
        return 201, quote_body(request, quote)

    return json_response(*idempotent_create(request, create))


@router.get("/quotes/{quote_id}", response=answers({200: QuoteOut}, 404), summary="One quote")
def get_quote(request: HttpRequest, quote_id: uuid.UUID, response: HttpResponse) -> Any:
    quote = _quote(request, quote_id)
    set_etag(response, quote.version)
    return quote_body(request, quote)


@router.patch(
    "/quotes/{quote_id}",
    response=answers({200: QuoteOut}, 403, 404, 409, 412, 428, *WITH_BODY),
    summary="Change a draft quote (lines, overall discount, validity, note)",
)
def update_quote(
    request: HttpRequest, quote_id: uuid.UUID, payload: QuoteUpdate, response: HttpResponse
) -> Any:
    quote = _quote(request, quote_id)
    version = expected_version(request, payload.version, quote.version)
    quote = quote_update(
        actor=request.user,
        quote=quote,
        version=version,
        lines=_lines(request, payload.lines) if payload.lines is not None else None,
        discount_percent=payload.discount_percent,
        valid_until=payload.valid_until,
        note=payload.note,
    )
    set_etag(response, quote.version)
    return quote_body(request, quote)


@router.post(
    "/quotes/{quote_id}/send",
    response=answers({200: QuoteSentOut}, 403, 404, 409, 412, *WITH_BODY),
    summary="Send a quote (409 while its discount waits for approval); lists price conflicts",
)
def send_quote(request: HttpRequest, quote_id: uuid.UUID, payload: VersionIn | None = None) -> Any:
    quote = _quote(request, quote_id)
    version = _optional_version(request, payload, quote)
    quote, conflicts = quote_send(actor=request.user, quote=quote, version=version)
    return {**quote_body(request, quote), "conflicts": conflicts}


def _optional_version(request: HttpRequest, payload: Any, quote: Quote) -> int | None:
    """Actions need no version; when one is sent (body or If-Match) a stale one is refused."""
    given = payload.version if payload is not None else None
    if given is None and not request.headers.get("If-Match"):
        return None
    return expected_version(request, given, quote.version)


@router.post(
    "/quotes/{quote_id}/approve",
    response=answers({200: QuoteOut}, 403, 404, 409, 412, *WITH_BODY),
    summary="Approve (or, with approve=false, refuse) a quote's discount",
)
def approve_quote(
    request: HttpRequest, quote_id: uuid.UUID, payload: ApproveIn | None = None
) -> Any:
    payload = payload or ApproveIn(approve=True, version=None)
    quote = _quote(request, quote_id)
    quote = quote_decide_discount(
        actor=request.user,
        quote=quote,
        approve=payload.approve,
        note=payload.note,
        version=_optional_version(request, payload, quote),
    )
    return quote_body(request, quote)


@router.post(
    "/quotes/{quote_id}/accept",
    response=answers({200: QuoteOut}, 403, 404, 409, 412, *WITH_BODY),
    summary="The customer accepted: record the order (order_id) and win the deal",
)
def accept_quote(
    request: HttpRequest, quote_id: uuid.UUID, payload: VersionIn | None = None
) -> Any:
    quote = _quote(request, quote_id)
    version = _optional_version(request, payload, quote)
    quote = quote_accept(actor=request.user, quote=quote, version=version)
    return quote_body(request, quote)


@router.post(
    "/quotes/{quote_id}/reject",
    response=answers({200: QuoteOut}, 403, 404, 409, 412, *WITH_BODY),
    summary="The customer declined the quote",
)
def reject_quote(request: HttpRequest, quote_id: uuid.UUID, payload: RejectIn | None = None) -> Any:
    quote = _quote(request, quote_id)
    version = _optional_version(request, payload, quote)
    reason = payload.reason if payload else ""
    quote = quote_reject(actor=request.user, quote=quote, reason=reason, version=version)
    return quote_body(request, quote)


@router.post(
    "/quotes/{quote_id}/revise",
    response=answers({201: QuoteOut}, 403, 404, 409),
    summary="A new draft revision of a sent, rejected or expired quote",
)
def revise_quote(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    quote = quote_revise(actor=request.user, quote=_quote(request, quote_id))
    return json_response(201, quote_body(request, quote))


@router.get(
    "/quotes/{quote_id}/pdf",
    response=answers({200: None}, 404, 409),
    summary="The quote as a PDF (Chinese fonts embedded); 409 while the discount is unapproved",
)
def quote_pdf_file(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    quote = _quote(request, quote_id)
    answer = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="{quote.label}.pdf"'
    return answer


class DiscountLimitIn(Body):
    limit_percent: PercentIn
    user: Annotated[str, StringConstraints(max_length=150)] = Field(
        "", description="A rep's user name; blank: the organisation's default"
    )


class DiscountLimitOut(Schema):
    user: str | None
    limit_percent: str


@router.post(
    "/discount-limits",
    response=answers({200: DiscountLimitOut}, 403, *WITH_BODY),
    summary="Set how far reps may discount without approval (administrators)",
)
def set_discount_limit(request: HttpRequest, payload: DiscountLimitIn) -> dict[str, Any]:
    person = active_colleague(request, payload.user) if payload.user else None
    row = discount_limit_set(actor=request.user, limit_percent=payload.limit_percent, user=person)
    return {
        "user": person.username if person else None,
        "limit_percent": f"{row.limit_percent:.2f}",
    }
