from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core.htmx import is_htmx
from guanxi.customers.selectors import global_search


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    """One box for contacts and accounts: Chinese, pinyin, initials, phone digits, e-mail."""
    query = request.GET.get("q", "").strip()[:100]
    results = global_search(request.user, query, limit=20) if query else None
    template = "workspace/search.html"
    if is_htmx(request):
        template += "#results"
    return render(request, template, {"q": query, "results": results})
