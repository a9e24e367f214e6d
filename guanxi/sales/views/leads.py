"""Lead pages: the list with a quick-add form, and a lead with its status and conversion."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.sales import selectors
from guanxi.sales.choices import LeadStatus
from guanxi.sales.forms import ConvertForm, LeadForm, LeadStatusForm
from guanxi.sales.lead_scoring import calibration, lead_score
from guanxi.sales.models import Lead
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.channels import ensure_default_channels
from guanxi.sales.services.conversion import lead_convert
from guanxi.sales.services.leads import lead_create, lead_update
from guanxi.sales.services.pools import lead_claim, lead_release, lead_set_locked
from guanxi.sales.today import today_for

PAGE_SIZE = 50


def _channels(request: HttpRequest) -> list[tuple[str, str]]:
    org_id = int(request.user.org_id)  # type: ignore[union-attr, arg-type]
    ensure_default_channels(org_id)
    return list(selectors.channels_of(org_id).values_list("code", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def lead_list_view(request: HttpRequest) -> HttpResponse:
    form = LeadForm(request.POST or None, channels=_channels(request))
    if request.method == "POST" and form.is_valid():
        try:
            lead = lead_create(actor=request.user, **form.service_fields())
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Lead “%(name)s” added.") % {"name": lead.name})
            return redirect("lead-list")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()[:100]
    in_pool = request.GET.get("pool") == "1"
    leads = selectors.lead_list(
        request.user,
        q=q,
        status=status if status in LeadStatus.values else "",
        in_pool=True if in_pool else None,
    ).order_by("-pk")
    page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sales/lead_list.html",
        {
            "form": form,
            "page": page,
            "q": q,
            "status": status,
            "statuses": LeadStatus.choices,
            "now": timezone.now(),
            "can_add": request.user.has_role_permission(SalesPermission.ADD_LEADS),  # type: ignore[union-attr]
            "in_pool": in_pool,
            "query_string": f"q={q}&status={status}&pool={'1' if in_pool else ''}",
        },
    )


def _visible_lead(request: HttpRequest, public_id: uuid.UUID) -> Lead:
    lead = (
        selectors.leads_visible_to(request.user)
        .select_related("owner", "channel", "contact", "account", "opportunity", "pool")
        .filter(public_id=public_id)
        .first()
    )
    if lead is None:
        raise Http404
    return lead


@login_required
def lead_detail_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    lead = _visible_lead(request, public_id)
    shown = selectors.visible_links(request.user, [lead])
    return render(
        request,
        "sales/lead_detail.html",
        {
            "lead": lead,
            "contact": lead.contact if ("contact", lead.contact_id) in shown else None,
            "status_form": LeadStatusForm(initial={"status": lead.status, "version": lead.version}),
            "convert_form": ConvertForm(initial={"opportunity_name": lead.company or lead.name}),
            "score": lead_score(lead),
            "can_see_calibration": request.user.has_role_permission(  # type: ignore[union-attr]
                SalesPermission.VIEW_SCORE_REPORTS
            ),
        },
    )


@login_required
def lead_calibration_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role_permission(SalesPermission.VIEW_SCORE_REPORTS):  # type: ignore[union-attr]
        raise PermissionDenied
    report = calibration(int(request.user.org_id))  # type: ignore[union-attr, arg-type]
    return render(request, "sales/lead_calibration.html", {"report": report})


@login_required
@require_POST
def lead_status_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    lead = _visible_lead(request, public_id)
    form = LeadStatusForm(request.POST)
    if form.is_valid():
        try:
            lead_update(
                actor=request.user,
                lead=lead,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                disqualified_reason=form.cleaned_data["disqualified_reason"],
            )
        except GuanxiError as exc:
            messages.error(request, str(exc) or _("The change was refused."))
    return redirect("lead-detail", public_id=lead.public_id)


@login_required
@require_POST
def lead_convert_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    lead = _visible_lead(request, public_id)
    form = ConvertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the amount."))
        return redirect("lead-detail", public_id=lead.public_id)
    try:
        done = lead_convert(
            actor=request.user,
            lead=lead,
            create_opportunity=form.cleaned_data["create_opportunity"],
            opportunity_name=form.cleaned_data["opportunity_name"],
            amount=form.cleaned_data["amount"],
        )
    except GuanxiError as exc:
        messages.error(request, str(exc) or _("The conversion was refused."))
        return redirect("lead-detail", public_id=lead.public_id)
    messages.success(request, _("Converted: “%(name)s” is now a customer.") % {"name": lead.name})
    return redirect("contact-detail", done.contact.public_id)


def _pool_action(request: HttpRequest, public_id: uuid.UUID, act: Any, done: str) -> HttpResponse:
    lead = _visible_lead(request, public_id)
    try:
        act(lead)
    except GuanxiError as exc:
        messages.error(request, str(exc) or _("The change was refused."))
    else:
        messages.success(request, done)
    return redirect("lead-detail", public_id=lead.public_id)


@login_required
@require_POST
def lead_claim_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _pool_action(
        request,
        public_id,
        lambda lead: lead_claim(actor=request.user, lead=lead),
        _("The lead is yours now."),
    )


@login_required
@require_POST
def lead_release_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _pool_action(
        request,
        public_id,
        lambda lead: lead_release(actor=request.user, lead=lead),
        _("The lead is back in the pool."),
    )


@login_required
@require_POST
def lead_lock_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    locked = request.POST.get("locked") == "1"
    return _pool_action(
        request,
        public_id,
        lambda lead: lead_set_locked(actor=request.user, lead=lead, locked=locked),
        _("Locked: this lead will not return to the pool.") if locked else _("Unlocked."),
    )


@login_required
def today_view(request: HttpRequest) -> HttpResponse:
    return render(request, "sales/today.html", {"today": today_for(request.user)})
