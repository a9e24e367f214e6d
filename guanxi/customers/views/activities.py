from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.errors import GuanxiError
from guanxi.customers import selectors
from guanxi.customers.forms import ActivityForm
from guanxi.customers.services.activities import activity_create, activity_set_done


def _back(kind: str, public_id: str) -> HttpResponse:
    return redirect(f"{kind}-detail", public_id=public_id)


@login_required
@require_POST
def activity_create_view(request: HttpRequest, kind: str, public_id: str) -> HttpResponse:
    record: Any
    if kind == "contact":
        record = selectors.contacts_visible_to(request.user).filter(public_id=public_id).first()
    elif kind == "account":
        record = selectors.accounts_visible_to(request.user).filter(public_id=public_id).first()
    else:
        raise Http404
    if record is None:
        raise Http404
    form = ActivityForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(kind, public_id)
    try:
        activity_create(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            due_at=form.cleaned_data["due_at"],
            contact=record if kind == "contact" else None,
            account=record if kind == "account" else None,
        )
    except GuanxiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Added to the timeline."))
    return _back(kind, public_id)


@login_required
@require_POST
def activity_done_view(request: HttpRequest, public_id: str) -> HttpResponse:
    activity = selectors.activities_visible_to(request.user).filter(public_id=public_id).first()
    if activity is None:
        raise Http404
    try:
        activity_set_done(actor=request.user, activity=activity, done=True)
    except GuanxiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Task done."))
    next_url = request.POST.get("next", "")
    return redirect(
        next_url if next_url.startswith("/") and not next_url.startswith("//") else "dashboard"
    )
