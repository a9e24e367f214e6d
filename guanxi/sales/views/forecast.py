"""The forecast and channel pages: a period's figures with a chart — per rep, with each stage's
real win rate; per channel and campaign, with the funnel from lead to won deal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guanxi.core.errors import ServiceValidationError
from guanxi.sales.channel_report import channel_report
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


@login_required
def channel_report_view(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "").strip()[:7] or current_quarter()
    try:
        report = channel_report(request.user, period)
    except ServiceValidationError as exc:
        return render(
            request,
            "sales/channel_report.html",
            {"period": period, "error": exc.field_errors.get("period", [exc.message])[0]},
            status=422,
        )
    total = report["total"]
    funnel = [
        {"key": key, "value": total[key]}
        for key in ("leads", "qualified", "converted", "opportunities", "won")
    ]
    return render(
        request,
        "sales/channel_report.html",
        {"period": period, "report": report, "funnel": funnel},
    )
