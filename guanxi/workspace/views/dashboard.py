from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guanxi.customers import selectors


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """My tasks due by the end of today (and overdue), and the customers touched last."""
    end_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    end_of_today += datetime.timedelta(days=1)
    tasks = list(selectors.open_tasks_for(request.user, due_before=end_of_today)[:50])
    return render(
        request,
        "workspace/dashboard.html",
        {
            "tasks": tasks,
            "now": timezone.now(),
            "recent": selectors.recent_customers(request.user),
        },
    )
