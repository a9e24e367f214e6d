"""The lists' "Export" menu: the list as it is filtered and sorted on screen, as a download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from guanxi.core.errors import GuanxiError, PermissionDeniedError
from guanxi.customers.views.contacts import contact_list_filters
from guanxi.customers.views.records import SORT_FIELDS, list_filters
from guanxi.platform.exports.http import download_response
from guanxi.platform.exports.services import export_start


def _download(request: HttpRequest, kind: str, filters: dict[str, Any]) -> HttpResponseBase:
    sort = request.GET.get("sort", "-updated")
    filters["sort"] = sort if sort in SORT_FIELDS else "-updated"
    try:
        stream = export_start(
            actor=request.user, kind=kind, format=request.GET.get("format", "csv"), filters=filters
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except GuanxiError as exc:  # a format or a custom-field filter the list refuses
        messages.error(request, exc.message)
        query = request.GET.copy()
        query.pop("format", None)
        list_url = reverse("contact-list" if kind == "contacts" else "account-list")
        return redirect(f"{list_url}?{query.urlencode()}")
    return download_response(stream)


@login_required
@require_GET
def contact_export_view(request: HttpRequest) -> HttpResponseBase:
    return _download(request, "contacts", contact_list_filters(request))


@login_required
@require_GET
def account_export_view(request: HttpRequest) -> HttpResponseBase:
    return _download(request, "accounts", list_filters(request))
