"""The "refresh now" button of the analytics page and the status line that follows the refresh."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.analytics.models import RefreshStatus, ScoreRefresh
from guanxi.analytics.permissions import AnalyticsPermission
from guanxi.analytics.report import latest_refresh
from guanxi.analytics.services.queue import is_active, latest_refresh_attempt, score_refresh_queue
from guanxi.core.errors import ConflictError

STATUS_TEMPLATE = "workspace/analytics_refresh_status.html"


def latest_and_finished(org_id: int) -> tuple[ScoreRefresh | None, ScoreRefresh | None]:
    """The newest refresh in any state and the newest finished one (often the same row)."""
    attempt = latest_refresh_attempt(org_id)
    if attempt is None or attempt.status == RefreshStatus.FINISHED:
        return attempt, attempt
    return attempt, latest_refresh(org_id)


def refresh_status_context(
    user: Any, attempt: ScoreRefresh | None, shown_id: int | None
) -> dict[str, Any]:
    """What the status line shows; ``shown_id`` is the finished refresh the page's figures are
    from, so that the line can tell the page to reload once a newer one has finished."""
    return {
        "attempt": attempt,
        "active": is_active(attempt),
        "can_refresh": user.has_role_permission(AnalyticsPermission.REFRESH_ANALYTICS),
        "shown_id": shown_id,
    }


@login_required
@require_GET
def analytics_refresh_status_view(request: HttpRequest) -> HttpResponse:
    """Polled by htmx while a refresh is queued or running; reloads the page when it is done."""
    user: Any = request.user
    shown = request.GET.get("shown", "")
    shown_id = int(shown) if shown.isdigit() else None
    attempt, finished = latest_and_finished(user.org_id)
    context = refresh_status_context(user, attempt, shown_id)
    response = render(request, STATUS_TEMPLATE, context)
    if not context["active"] and finished is not None and finished.pk != shown_id:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def analytics_refresh_view(request: HttpRequest) -> HttpResponse:
    """Queue a refresh (managers and administrators); a second one waits for the first."""
    user: Any = request.user
    if not user.has_role_permission(AnalyticsPermission.REFRESH_ANALYTICS):
        raise PermissionDenied
    try:
        score_refresh_queue(actor=user)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Refresh queued. The figures below update when it has finished.")
        )
    return redirect("analytics")
