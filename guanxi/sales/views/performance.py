"""The rep performance page: each rep's record over a period, the leaderboard against the
targets, and (for managers) the form that sets a month's target."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import GuanxiError, ServiceValidationError
from guanxi.platform.models import User
from guanxi.platform.visibility import managed_team_ids
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.rep_performance import leaderboard, rep_performance
from guanxi.sales.services.targets import target_set


def _month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def _settable(user: User) -> list[User]:
    if not user.has_role_permission(SalesPermission.SET_TARGETS):
        return []
    people = User.objects.filter(org_id=user.org_id, is_active=True).order_by("username")
    if not user.is_administrator:
        people = people.filter(team_id__in=managed_team_ids(user))
    return [p for p in people if p.has_role_permission(SalesPermission.CHANGE_OPPORTUNITIES)]


@login_required
def performance_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        return _set_target(request, user)
    period = request.GET.get("period", "").strip()[:7] or _month()
    try:
        context = {
            "rows": rep_performance(user, period),
            "board": leaderboard(user, period),
        }
    except ServiceValidationError as exc:
        error = exc.field_errors.get("period", [exc.message])[0]
        return render(
            request, "sales/performance.html", {"period": period, "error": error}, status=422
        )
    context |= {"period": period, "settable": _settable(user), "month": _month()}
    return render(request, "sales/performance.html", context)


def _set_target(request: HttpRequest, user: User) -> HttpResponse:
    try:
        month = datetime.date.fromisoformat(request.POST.get("month", "") + "-01")
        rep = User.objects.filter(org_id=user.org_id, username=request.POST.get("user", "")).first()
        target_set(actor=user, month=month, amount=request.POST.get("amount", ""), user=rep)
    except ValueError:
        messages.error(request, _("Give the month as 2026-12."))
    except GuanxiError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Target saved."))
    return redirect(f"{request.path}?period={request.POST.get('month', '')}")
