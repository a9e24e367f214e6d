"""One deal's page: its facts, the people who decide and their roles, its time in each stage,
and its quotes."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.errors import GuanxiError
from guanxi.customers.selectors import contacts_visible_to
from guanxi.platform.visibility import can_edit
from guanxi.sales import selectors
from guanxi.sales.choices import DealRole
from guanxi.sales.models import Opportunity
from guanxi.sales.services.deal_contacts import deal_contact_remove, deal_contact_set


def _visible_deal(request: HttpRequest, public_id: uuid.UUID) -> Opportunity:
    deal = selectors.opportunity_list(request.user).filter(public_id=public_id).first()
    if deal is None:
        raise Http404
    return deal


@login_required
def opportunity_detail_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    deal = _visible_deal(request, public_id)
    user = request.user
    shown = selectors.visible_links(user, [deal])
    people = selectors.deal_people(user, deal)
    on_deal = {row.contact_id for row in people}
    candidates = []
    if deal.account_id and ("account", deal.account_id) in shown:
        candidates = [
            person
            for person in contacts_visible_to(user).filter(account_id=deal.account_id)[:100]
            if person.pk not in on_deal
        ]
    context = {
        "deal": deal,
        "account": deal.account if ("account", deal.account_id) in shown else None,
        "contact": deal.contact if ("contact", deal.contact_id) in shown else None,
        "people": people,
        "candidates": candidates,
        "roles": DealRole.choices,
        "stays": selectors.time_in_stages(deal),
        "quotes": list(selectors.quote_list(user, opportunity_id=deal.pk).order_by("-pk")),
        "can_edit": can_edit(user, deal),
    }
    return render(request, "sales/opportunity_detail.html", context)


@login_required
@require_POST
def opportunity_people_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    deal = _visible_deal(request, public_id)
    try:
        contact_id = uuid.UUID(request.POST.get("contact", ""))
    except ValueError:
        raise Http404 from None
    contact = contacts_visible_to(request.user).filter(public_id=contact_id).first()
    if contact is None:
        raise Http404
    try:
        if request.POST.get("remove") == "1":
            deal_contact_remove(actor=request.user, opportunity=deal, contact=contact)
        else:
            role = request.POST.get("role", "")
            deal_contact_set(actor=request.user, opportunity=deal, contact=contact, role=role)
    except GuanxiError as exc:
        messages.error(request, str(exc) or _("The change was refused."))
    return redirect("opportunity-detail", public_id=deal.public_id)
