"""Sorting and page numbers for the customer lists."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25
SORT_FIELDS = {"name": "name", "-name": "-name", "updated": "updated_at", "-updated": "-updated_at"}


def list_context(
    request: HttpRequest, records: QuerySet[Any], *, sorts: set[str]
) -> dict[str, Any]:
    sort = request.GET.get("sort", "-updated")
    if sort not in sorts:
        sort = "-updated"
    records = records.order_by(SORT_FIELDS[sort], "-pk")
    paginator = Paginator(records, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "sort": sort,
        "filters": request.GET,
        "query_string": query.urlencode(),
        "undo": request.session.pop("undo", None),
    }
