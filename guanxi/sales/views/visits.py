"""Visit pages: check in at a customer's from a phone (location from the browser, a photo from
the camera), and the manager's list of a day's visits per rep (no map needed)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.core.errors import GuanxiError
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.platform.models import User
from guanxi.sales import selectors
from guanxi.sales.services.visits import MAX_PHOTO_BYTES, photo_path, visit_check_in
from guanxi.sales.views.named_record import record_from_query

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _customer(request: HttpRequest) -> dict[str, Any]:
    readers = {"contact": contacts_visible_to, "account": accounts_visible_to}
    return record_from_query(request, readers)


@login_required
@require_http_methods(["GET", "POST"])
def visit_new_view(request: HttpRequest) -> HttpResponse:
    customer = _customer(request)
    record = next(iter(customer.values()))
    if request.method == "POST":
        upload = request.FILES.get("photo")
        if upload is not None and upload.size and upload.size > MAX_PHOTO_BYTES:
            messages.error(request, _("The photo is larger than 8 MB."))
        else:
            try:
                visit_check_in(
                    actor=request.user,
                    latitude=request.POST.get("latitude"),
                    longitude=request.POST.get("longitude"),
                    accuracy_m=request.POST.get("accuracy"),
                    photo=upload.read() if upload is not None else None,
                    note=request.POST.get("note", ""),
                    **customer,
                )
            except GuanxiError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Checked in."))
                kind = "contact-detail" if "contact" in customer else "account-detail"
                return redirect(kind, record.public_id)
    return render(request, "sales/visit_new.html", {"record": record})


@login_required
def visit_list_view(request: HttpRequest) -> HttpResponse:
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    if not 1900 <= day.year <= 2199:
        day = timezone.localdate()
    rep = User.objects.filter(
        org_id=request.user.org_id,  # type: ignore[union-attr]
        username=request.GET.get("rep", ""),
    ).first()
    visits = selectors.visits_of_day(request.user, day, rep.pk if rep else None)
    by_rep: dict[str, list[Any]] = {}
    for visit in visits:
        by_rep.setdefault(visit.owner.display_name, []).append(visit)
    return render(request, "sales/visit_list.html", {"day": day, "by_rep": by_rep, "rep": rep})


@login_required
def visit_photo_view(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    visit = selectors.visits_visible_to(request.user).filter(public_id=public_id).first()
    if visit is None or not visit.photo:
        raise Http404
    path = photo_path(visit.photo)
    if not path.exists():
        raise Http404
    kind = CONTENT_TYPES.get(path.suffix.lstrip("."), "application/octet-stream")
    return FileResponse(path.open("rb"), content_type=kind)
