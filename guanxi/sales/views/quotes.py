"""Quote pages: the list (mine, and those waiting for my approval), a new quote for a deal or a
customer, the quote itself (the same document as its PDF) with what can be done next."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.commerce.models import Product
from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.sales import selectors
from guanxi.sales.choices import OPEN_QUOTE_STATUSES, ApprovalStatus, QuoteStatus
from guanxi.sales.models import Quote
from guanxi.sales.quote_conflicts import price_conflicts
from guanxi.sales.quote_document import document_context, quote_pdf
from guanxi.sales.quote_forms import QuoteForm
from guanxi.sales.services.quote_approval import can_approve, quote_decide_discount
from guanxi.sales.services.quote_flow import quote_accept, quote_reject, quote_send
from guanxi.sales.services.quote_lines import QuoteLineInput
from guanxi.sales.services.quotes import quote_create, quote_revise
from guanxi.sales.views.named_record import record_from_query

LIST_SIZE = 100


def _visible_quote(request: HttpRequest, public_id: uuid.UUID) -> Quote:
    quote = selectors.quotes_visible_to(request.user).filter(public_id=public_id).first()
    if quote is None:
        raise Http404
    return quote


@login_required
def quote_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "awaiting": list(selectors.quote_list(user, awaiting_my_approval=True).order_by("-pk")),
        "quotes": list(selectors.quote_list(user).order_by("-pk")[:LIST_SIZE]),
    }
    return render(request, "sales/quote_list.html", context)


def _target(request: HttpRequest) -> dict[str, Any]:
    """The deal or customer named in the query string (``?opportunity=``, ``?account=``...)."""
    readers = {
        "opportunity": selectors.opportunities_visible_to,
        "account": accounts_visible_to,
        "contact": contacts_visible_to,
    }
    return record_from_query(request, readers)


@login_required
@require_http_methods(["GET", "POST"])
def quote_new_view(request: HttpRequest) -> HttpResponse:
    target = _target(request)
    org_id = request.user.org_id  # type: ignore[union-attr]
    products = list(Product.objects.filter(org_id=org_id, active=True).order_by("sku"))
    form = QuoteForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        lines = [QuoteLineInput(*line) for line in form.lines()]
        try:
            quote = quote_create(
                actor=request.user,
                lines=lines,
                discount_percent=form.cleaned_data["discount_percent"] or 0,
                valid_until=form.cleaned_data["valid_until"],
                note=form.cleaned_data["note"],
                **target,
            )
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Quote %(number)s written.") % {"number": quote.label})
            return redirect("quote-detail", public_id=quote.public_id)
    subject = next(iter(target.values()))
    return render(
        request,
        "sales/quote_new.html",
        {"form": form, "subject": subject, "has_products": bool(products)},
    )


@login_required
def quote_detail_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    quote = _visible_quote(request, public_id)
    user = request.user
    open_quote = quote.status in OPEN_QUOTE_STATUSES
    context = {
        **document_context(quote, show_rules=True),
        "conflicts": price_conflicts(user, quote) if open_quote else [],
        "can_approve": quote.approval == ApprovalStatus.PENDING and can_approve(user, quote),
        "deal_shown": bool(
            quote.opportunity_id
            and selectors.opportunities_visible_to(user).filter(pk=quote.opportunity_id).exists()
        ),
        "statuses": QuoteStatus,
        "approvals": ApprovalStatus,
    }
    return render(request, "sales/quote_detail.html", context)


@login_required
def quote_pdf_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    quote = _visible_quote(request, public_id)
    try:
        document = quote_pdf(quote)
    except GuanxiError as exc:
        messages.error(request, str(exc))
        return redirect("quote-detail", public_id=quote.public_id)
    answer = HttpResponse(document, content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="{quote.label}.pdf"'
    return answer


def _act(request: HttpRequest, quote: Quote, action: str) -> tuple[Quote, str]:
    user = request.user
    if action == "send":
        sent, conflicts = quote_send(actor=user, quote=quote)
        for item in conflicts:
            messages.warning(
                request,
                _(
                    "Another open quote (%(number)s) prices %(product)s at %(other)s, this one "
                    "at %(mine)s."
                )
                % {
                    "number": item["number"] or _("not visible to you"),
                    "product": item["product"],
                    "other": item["other_unit_price"],
                    "mine": item["unit_price"],
                },
            )
        return sent, _("Quote sent.")
    if action in ("approve", "refuse"):
        note = request.POST.get("note", "")
        version = request.POST.get("version", "")
        decided = quote_decide_discount(
            actor=user,
            quote=quote,
            approve=action == "approve",
            note=note,
            version=int(version) if version.isdigit() else None,
        )
        return decided, _("Discount approved.") if action == "approve" else _("Discount refused.")
    if action == "accept":
        return quote_accept(actor=user, quote=quote), _("Accepted: the order is recorded.")
    if action == "reject":
        reason = request.POST.get("reason", "")
        return quote_reject(actor=user, quote=quote, reason=reason), _("Marked as rejected.")
    if action == "revise":
        return quote_revise(actor=user, quote=quote), _("A new revision to edit and send.")
    raise Http404


@login_required
@require_POST
def quote_action_view(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    quote = _visible_quote(request, public_id)
    try:
        quote, done = _act(request, quote, action)
    except GuanxiError as exc:
        messages.error(request, str(exc) or _("The change was refused."))
    else:
        messages.success(request, done)
    return redirect("quote-detail", public_id=quote.public_id)
