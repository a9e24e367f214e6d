"""The customer analytics page: the latest scores as charts, filtered, each exportable as CSV."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guanxi.analytics.explain import fit_message_text
from guanxi.analytics.selectors import DashboardFilter, FilterChoices, filter_choices
from guanxi.commerce.permissions import CommercePermission
from guanxi.workspace import dashboards
from guanxi.workspace.views.analytics_refresh import (
    latest_and_finished,
    refresh_status_context,
)

TEMPLATE = "workspace/analytics.html"


class AnalyticsFilterForm(forms.Form):
    store = forms.ChoiceField(label=_("Store"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, choices: FilterChoices) -> None:
        super().__init__(data)
        store = cast(forms.ChoiceField, self.fields["store"])
        store.choices = [("", _("All stores")), *((name, name) for name in choices.stores)]
        channel = cast(forms.ChoiceField, self.fields["channel"])
        channel.choices = [("", _("All channels")), *((name, name) for name in choices.channels)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The period must end on or after the day it starts."))
        return cleaned

    def selected(self) -> DashboardFilter:
        data = self.cleaned_data
        return DashboardFilter(data["store"], data["channel"], data["start"], data["end"])


def _without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
def analytics_view(request: HttpRequest) -> HttpResponseBase:
    """Charts of the latest refresh over the customers the user may see (``?export=`` → CSV)."""
    user: Any = request.user
    attempt, refresh = latest_and_finished(user.org_id)
    can_import = user.has_role_permission(CommercePermission.IMPORT_ORDERS)
    status = {"status": refresh_status_context(user, attempt, refresh.pk if refresh else None)}
    export = request.GET.get("export", "")
    refused = HttpResponseBadRequest(
        gettext("No such chart, no scores yet, or the filter is not valid."),
        content_type="text/plain; charset=utf-8",
    )
    if refresh is None:
        return (
            refused
            if export
            else render(
                request, TEMPLATE, {"refresh": None, "can_import_orders": can_import, **status}
            )
        )
    form = AnalyticsFilterForm(request.GET, choices=filter_choices(user))
    if not form.is_valid():
        context = {"refresh": refresh, "form": form, "can_import_orders": can_import, **status}
        return refused if export else render(request, TEMPLATE, context)
    selected = form.selected()
    if export:
        if export not in dashboards.EXPORTS:
            return refused
        return dashboards.csv_response(export, user, selected, refresh.as_of)
    board = dashboards.dashboard(user, selected, refresh_id=refresh.pk)
    context = {
        "refresh": refresh,
        "form": form,
        "board": board,
        "charts": dashboards.chart_data(board, refresh.thresholds),
        "churn": dashboards.churn_page(user, selected, request.GET.get("churn_page")),
        "filtered": selected.is_active,
        "query": _without(request, "export", "churn_page"),
        "can_import_orders": can_import,
        **status,
        "fit_messages": [fit_message_text(m) for m in refresh.messages],
    }
    return render(request, TEMPLATE, context)
