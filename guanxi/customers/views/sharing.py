"""Adding and removing a record's collaborators from its 360 page (owner, managers, admins)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.errors import GuanxiError
from guanxi.customers import selectors
from guanxi.platform.selectors import active_users
from guanxi.platform.services.sharing import collaborator_remove, collaborator_set


def _record(request: HttpRequest, kind: str, public_id: str) -> Any:
    visible = {
        "contact": selectors.contacts_visible_to,
        "account": selectors.accounts_visible_to,
    }.get(kind)
    record = visible(request.user).filter(public_id=public_id).first() if visible else None
    if record is None:
        raise Http404
    return record


def _colleague(request: HttpRequest, username: str) -> Any:
    return active_users(getattr(request.user, "org_id", None)).filter(username=username).first()


def _date(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
@require_POST
def collaborator_set_view(request: HttpRequest, kind: str, public_id: str) -> HttpResponse:
    record = _record(request, kind, public_id)
    username = request.POST.get("user", "")[:150]
    colleague = _colleague(request, username)
    try:
        if colleague is None:
            raise GuanxiError(_("Choose a colleague."))
        collaborator_set(
            actor=request.user,
            record=record,
            user=colleague,
            access=request.POST.get("access", "read"),
            until=_date(request.POST.get("until", "")),
            include_children=request.POST.get("include_children") == "on",
        )
    except GuanxiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s was added.") % {"name": colleague.display_name})
    return redirect(f"{kind}-detail", public_id=public_id)


@login_required
@require_POST
def collaborator_remove_view(
    request: HttpRequest, kind: str, public_id: str, username: str
) -> HttpResponse:
    record = _record(request, kind, public_id)
    colleague = _colleague(request, username)
    if colleague is None:
        raise Http404
    try:
        collaborator_remove(actor=request.user, record=record, user=colleague)
    except GuanxiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": colleague.display_name})
    return redirect(f"{kind}-detail", public_id=public_id)
