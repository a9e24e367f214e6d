"""The customer 360 page: profile, people, timeline, open tasks, and panels of other modules."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime

from guanxi.core.htmx import is_htmx
from guanxi.customers import selectors
from guanxi.customers.duplicate_queue import merged_survivor
from guanxi.customers.forms import ActivityForm
from guanxi.customers.panels import panels_for
from guanxi.customers.permissions import CustomerPermission, can_change_activity
from guanxi.platform.changes import describe_events
from guanxi.platform.selectors import active_users, collaborators_of
from guanxi.platform.visibility import can_edit, can_manage


def _panels(request: HttpRequest, kind: str, record: Any) -> list[dict[str, Any]]:
    shown = []
    for panel in panels_for(kind):
        context = panel.context(request.user, record)
        if context is not None:
            shown.append({"panel": panel, "context": context})
    return shown


def _before(request: HttpRequest) -> datetime.datetime | None:
    raw = request.GET.get("before", "")
    try:
        return parse_datetime(raw) if raw else None
    except ValueError:
        return None


def _render(request: HttpRequest, kind: str, record: Any, extra: dict[str, Any]) -> HttpResponse:
    user: Any = request.user
    entries, next_before = selectors.timeline(user, record, before=_before(request))
    describe_events([entry.event for entry in entries if entry.event], viewer=user)
    context = {
        "record": record,
        "kind": kind,
        "timeline": entries,
        "next_before": next_before.isoformat() if next_before else "",
        "open_tasks": [
            (task, can_change_activity(user, task))
            for task in selectors.open_tasks_of_customer(user, record)[:20]
        ],
        "activity_form": ActivityForm(initial={"kind": "note"}),
        "panels": _panels(request, kind, record),
        "can_manage": can_manage(user, record),
        "can_edit": can_edit(user, record)
        and user.has_role_permission(CustomerPermission.CHANGE_CUSTOMERS),
        "can_add_contact": user.has_role_permission(CustomerPermission.ADD_CUSTOMERS),
        "can_add_activity": user.has_role_permission(CustomerPermission.ADD_ACTIVITIES),
        "collaborators": list(collaborators_of(record)),
        "colleagues": active_users(user.org_id),
        **extra,
    }
    template = f"workspace/{kind}_360.html"
    if is_htmx(request) and "before" in request.GET:
        template = "workspace/timeline.html#entries"
    return render(request, template, context)


def _merged_or_404(request: HttpRequest, kind: str, public_id: str) -> HttpResponse:
    """A merged-away record's old link leads to the record it was merged into."""
    survivor = merged_survivor(request.user, kind, public_id)
    if survivor is None:
        raise Http404
    return redirect(f"{kind}-detail", public_id=survivor.public_id)


@login_required
def contact_360_view(request: HttpRequest, public_id: str) -> HttpResponse:
    contact = (
        selectors.with_contact_details(selectors.contacts_visible_to(request.user), request.user)
        .filter(public_id=public_id)
        .first()
    )
    if contact is None:
        return _merged_or_404(request, "contact", public_id)
    return _render(request, "contact", contact, {})


@login_required
def account_360_view(request: HttpRequest, public_id: str) -> HttpResponse:
    account = (
        selectors.accounts_visible_to(request.user)
        .select_related("owner")
        .prefetch_related("tags")
        .filter(public_id=public_id)
        .first()
    )
    if account is None:
        return _merged_or_404(request, "account", public_id)
    people = selectors.with_contact_details(
        selectors.contacts_visible_to(request.user).filter(account=account), request.user
    ).order_by("sort_key")[:100]
    return _render(request, "account", account, {"people": list(people)})
