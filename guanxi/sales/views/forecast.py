"""The forecast page: the period's figures per rep with a chart, and each stage's real win rate."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guanxi.core.errors import ServiceValidationError
from guanxi.sales.forecast import forecast


def current_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@login_required
def forecast_view(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "").strip()[:7] or current_quarter()
    try:
        figures = forecast(request.user, period).as_dict()
    except ServiceValidationError as exc:
        return render(
            request,
            "sales/forecast.html",
            {"period": period, "error": exc.field_errors.get("period", [exc.message])[0]},
            status=422,
        )
    chart = {
        "owners": [row["owner"] for row in figures["by_owner"]],
        "series": {
            key: [float(row[key]) for row in figures["by_owner"]]
            for key in ("won", "commit", "best_case", "weighted")
        },
    }
    return render(
        request,
        "sales/forecast.html",
        {"period": period, "figures": figures, "chart": chart},
    )
