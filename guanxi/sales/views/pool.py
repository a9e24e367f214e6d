"""The customer pool pages: what waits in the pools a rep takes from (masked), claiming a
customer, and the owner's lock and release (a release is confirmed first)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.errors import GuanxiError, NotFoundError
from guanxi.sales.pool_list import claimable_pools, entry_row, pool_entries, pooled_or_visible
from guanxi.sales.services.pool_customers import (
    customer_claim,
    customer_release,
    customer_set_locked,
)

PAGE_SIZE = 50


def _customer(request: HttpRequest, kind: str, public_id: uuid.UUID) -> Any:
    try:
        return pooled_or_visible(request.user, kind, public_id)
    except NotFoundError as exc:
        raise Http404 from exc


def _detail(kind: str, record: Any) -> HttpResponse:
    return redirect(f"{kind}-detail", record.public_id)


@login_required
def pool_list_view(request: HttpRequest) -> HttpResponse:
    pools = list(claimable_pools(request.user).order_by("pk"))
    chosen = next((p for p in pools if str(p.public_id) == request.GET.get("pool")), None)
    entries = pool_entries(request.user, chosen).order_by("-pooled_at", "-pk")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "sales/pool_list.html",
        {
            "pools": pools,
            "chosen": chosen,
            "page": page,
            "rows": [entry_row(request.user, entry, now) for entry in page.object_list],
        },
    )


@login_required
@require_POST
def pool_claim_view(request: HttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    record = _customer(request, kind, public_id)
    try:
        customer_claim(actor=request.user, record=record)
    except GuanxiError as exc:
        messages.error(request, str(exc) or _("The claim was refused."))
        return redirect("pool-list")
    messages.success(request, _("“%(name)s” is your customer now.") % {"name": record.name})
    return _detail(kind, record)


@login_required
def pool_release_view(request: HttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    record = _customer(request, kind, public_id)
    if request.method != "POST":
        return render(request, "sales/pool_release.html", {"record": record, "kind": kind})
    try:
        customer_release(actor=request.user, record=record)
    except GuanxiError as exc:
        messages.error(request, str(exc) or _("The change was refused."))
        return _detail(kind, record)
    messages.success(request, _("“%(name)s” is back in the pool.") % {"name": record.name})
    return redirect("pool-list")


@login_required
@require_POST
def pool_lock_view(request: HttpRequest, kind: str, public_id: uuid.UUID) -> HttpResponse:
    record = _customer(request, kind, public_id)
    locked = request.POST.get("locked") == "1"
    try:
        customer_set_locked(actor=request.user, record=record, locked=locked)
    except GuanxiError as exc:
        messages.error(request, str(exc) or _("The change was refused."))
    else:
        done = _("Locked: this customer will not return to the pool.")
        messages.success(request, done if locked else _("Unlocked."))
    return _detail(kind, record)
