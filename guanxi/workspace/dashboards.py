"""What the analytics page shows, as chart data and as CSV tables, in the user's language.

The selectors (``guanxi.analytics.selectors``) compute; this module only arranges their results:
every label a chart draws is translated here and handed to ``static/guanxi/analytics.js``
through ``json_script``, so the script holds no text of its own. Each chart has a table of the
same figures for the CSV export (:data:`EXPORTS`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from guanxi.analytics import selectors
from guanxi.analytics.selectors import DashboardFilter

COHORT_MONTH_FORMAT = "%Y-%m"


@dataclass(frozen=True)
class Dashboard:
    customers: int
    segments: list[selectors.Tally]
    value_matrix: selectors.ValueMatrix
    histogram: list[selectors.Bucket]
    grid: selectors.Grid
    cohorts: list[selectors.Cohort]
    revenue: list[selectors.SegmentRevenue]

    @property
    def grid_cells(self) -> dict[str, selectors.Tally]:
        return {cell.key: cell for cell in self.grid.cells}

    @property
    def quadrants(self) -> dict[str, selectors.Quadrant]:
        return {quadrant.key: quadrant for quadrant in self.value_matrix.quadrants}


# Repeated views and filter changes within a few minutes reuse the figures: at a million customers
# the page reads millions of rows. New orders show up within this time; scores change only with
# a refresh, which is part of the key.
CACHE_SECONDS = 15 * 60


def dashboard(user: Any, selected: DashboardFilter, *, refresh_id: int | None = None) -> Dashboard:
    """The figures, from the cache when the same user asked for the same view lately."""
    if refresh_id is None:
        return _dashboard(user, selected)
    raw = f"{refresh_id}|{user.pk}|{get_language()}|{selected!r}"
    key = "analytics-board:" + hashlib.sha256(raw.encode()).hexdigest()
    board = cache.get(key)
    if board is None:
        board = _dashboard(user, selected)
        cache.set(key, board, CACHE_SECONDS)
    return board


def _dashboard(user: Any, selected: DashboardFilter) -> Dashboard:
    return Dashboard(
        customers=selectors.customer_count(user, selected),
        segments=selectors.segment_distribution(user, selected),
        value_matrix=selectors.value_matrix(user, selected),
        histogram=selectors.clv_histogram(user, selected),
        grid=selectors.grid(user, selected),
        cohorts=selectors.cohort_retention(user, selected),
        revenue=selectors.revenue_by_segment(user, selected),
    )


@dataclass(frozen=True)
class ChurnPage:
    """One page of the call list and where it sits among all the customers with a warning."""

    rows: list[selectors.ChurnRisk]
    page: Page


def churn_page(user: Any, selected: DashboardFilter, number: Any) -> ChurnPage:
    """The call list in pages of ``CHURN_LIST_SIZE``; a page number out of range shows the last.

    Not cached with the charts: a rep works through it page by page, and each page is one
    indexed read (plus the count and the phone numbers).
    """
    paginator = Paginator(selectors.churn_call_list(user, selected), selectors.CHURN_LIST_SIZE)
    page = paginator.get_page(number)
    return ChurnPage([selectors.churn_row(score) for score in page.object_list], page)


def _money(value: Decimal | float) -> str:
    return f"{Decimal(value):.2f}"


def _amount_label(value: Decimal) -> str:
    return f"{value:,f}"


def bucket_label(bucket: selectors.Bucket) -> str:
    if bucket.high is None:
        return f"≥ {_amount_label(bucket.low)}"
    return f"{_amount_label(bucket.low)}–{_amount_label(bucket.high)}"


def _percent(share: float | None) -> str:
    return "" if share is None else f"{100 * share:.1f}"


def _no_segment() -> str:
    return _("No segment")


def chart_data(board: Dashboard, thresholds: dict[str, Any]) -> dict[str, Any]:
    """Everything the charts draw, labels included, as JSON-ready values."""
    customers = _("Customers")
    currencies = sorted({row.currency for row in board.revenue})
    revenue_keys = list(dict.fromkeys(row.key for row in board.revenue))
    revenue_labels = {row.key: row.label or _no_segment() for row in board.revenue}
    return {
        "locale": "ZH" if (get_language() or "").lower().startswith("zh") else "EN",
        "empty": _("Nothing to show for these customers."),
        # Clicking a bar or a point opens the contact list filtered by these keys.
        "contacts_url": reverse("contact-list"),
        "open_list": _("Click to list these customers"),
        "segments": {
            "keys": [s.key for s in board.segments],
            "labels": [s.label for s in board.segments],
            "values": [s.customers for s in board.segments],
            "axis": customers,
        },
        "value_matrix": {
            "series": [
                {
                    "key": q.key,
                    "name": q.label,
                    "points": [[x, y] for x, y, key in board.value_matrix.points if key == q.key],
                }
                for q in board.value_matrix.quadrants
            ],
            "x_axis": _("Current value (last 12 months)"),
            "y_axis": _("Potential value"),
            "x_threshold": thresholds.get("current_value"),
            "y_threshold": thresholds.get("potential_value"),
        },
        "clv": {
            "labels": [bucket_label(b) for b in board.histogram],
            "values": [b.customers for b in board.histogram],
            "x_axis": _("Lifetime value"),
            "y_axis": customers,
        },
        "cohorts": {
            "rows": [
                f"{c.month.strftime(COHORT_MONTH_FORMAT)} ({c.customers})" for c in board.cohorts
            ],
            "columns": [f"+{m}" for m in range(selectors.COHORT_MONTHS)],
            "cells": [
                [column, row, round(100 * share, 1)]
                for row, cohort in enumerate(board.cohorts)
                for column, share in enumerate(cohort.shares)
                if share is not None
            ],
            "x_axis": _("Months after the first purchase"),
            "y_axis": _("First purchase month (customers)"),
            "value": _("Bought in that month (%)"),
        },
        "revenue": {
            "keys": revenue_keys,
            "labels": [revenue_labels[key] for key in revenue_keys],
            "series": [
                {
                    "name": currency,
                    "values": [
                        next(
                            (
                                float(r.revenue)
                                for r in board.revenue
                                if r.key == key and r.currency == currency
                            ),
                            0,
                        )
                        for key in revenue_keys
                    ],
                }
                for currency in currencies
            ],
            "axis": (
                _("Revenue (%(currency)s)") % {"currency": currencies[0]}
                if len(currencies) == 1
                else _("Revenue")
            ),
        },
    }


# CSV exports: a header and rows per chart.

Table = tuple[list[str], Iterable[Sequence[Any]]]


def _segments_table(user: Any, selected: DashboardFilter) -> Table:
    rows = selectors.segment_distribution(user, selected)
    return [_("Code"), _("Segment"), _("Customers")], ((s.key, s.label, s.customers) for s in rows)


def _value_matrix_table(user: Any, selected: DashboardFilter) -> Table:
    matrix = selectors.value_matrix(user, selected, max_points=0)
    return [_("Code"), _("Value group"), _("Customers"), _("Strategy")], (
        (q.key, q.label, q.customers, q.strategy) for q in matrix.quadrants
    )


def _clv_table(user: Any, selected: DashboardFilter) -> Table:
    rows = selectors.clv_histogram(user, selected)
    return [_("Lifetime value from"), _("Lifetime value below"), _("Customers")], (
        (_money(b.low), "" if b.high is None else _money(b.high), b.customers) for b in rows
    )


def _grid_table(user: Any, selected: DashboardFilter) -> Table:
    cells = selectors.grid(user, selected).cells
    return [_("Cell"), _("Description"), _("Customers")], (
        (c.key, c.label, c.customers) for c in cells
    )


def _movement_table(user: Any, selected: DashboardFilter) -> Table:
    moves = selectors.grid(user, selected).moves
    return [_("From cell"), _("To cell"), _("Customers")], (
        (m.before, m.after, m.customers) for m in moves
    )


def _cohorts_table(user: Any, selected: DashboardFilter) -> Table:
    cohorts = selectors.cohort_retention(user, selected)
    months = [_("Month +%(number)s (%%)") % {"number": m} for m in range(selectors.COHORT_MONTHS)]
    return [_("First purchase month"), _("Customers"), *months], (
        (c.month.strftime(COHORT_MONTH_FORMAT), c.customers, *map(_percent, c.shares))
        for c in cohorts
    )


def _revenue_table(user: Any, selected: DashboardFilter) -> Table:
    rows = selectors.revenue_by_segment(user, selected)
    header = [_("Code"), _("Segment"), _("Currency"), _("Revenue"), _("Orders"), _("Customers")]
    return header, (
        (r.key, r.label or _no_segment(), r.currency, _money(r.revenue), r.orders, r.customers)
        for r in rows
    )


def _churn_table(user: Any, selected: DashboardFilter) -> Table:
    """The whole call list (every customer with a warning the user may see), read in chunks."""
    scores = selectors.churn_call_list(user, selected).iterator(chunk_size=CHUNK_ROWS)
    header = [
        _("Customer ID"),
        _("Customer"),
        _("Phone"),
        _("Owner"),
        _("Last purchase"),
        _("Churn risk (%)"),
        _("Chance still active (%)"),
        _("Historical value"),
        _("Segment"),
        _("Reasons"),
    ]
    return header, (
        (
            r.contact_public_id,
            r.name,
            r.phone,
            r.owner,
            r.last_purchase_on.isoformat() if r.last_purchase_on else "",
            _percent(r.churn_risk),
            _percent(r.p_alive),
            _money(r.historical_value),
            r.segment,
            " ".join([*r.reasons, r.explanation]).strip(),
        )
        for r in map(selectors.churn_row, scores)
    )


EXPORTS: dict[str, Callable[[Any, DashboardFilter], Table]] = {
    "segments": _segments_table,
    "value_matrix": _value_matrix_table,
    "clv": _clv_table,
    "grid": _grid_table,
    "grid_movement": _movement_table,
    "cohorts": _cohorts_table,
    "revenue": _revenue_table,
    "churn": _churn_table,
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (a name like "=1+1") is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Exports that may run to hundreds of thousands of rows go out as they are read.
STREAMED = frozenset({"churn"})
CHUNK_ROWS = 1000


def _csv_chunks(header: list[str], rows: Iterable[Sequence[Any]], language: str) -> Any:
    """The CSV in UTF-8, a byte-order mark first (so Excel reads Chinese right), in chunks of
    rows; translated in ``language`` even when a streamed response is sent after the view."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    with translation.override(language):
        for number, row in enumerate(rows, start=1):
            writer.writerow([_cell(value) for value in row])
            if number % CHUNK_ROWS == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue().encode()


def csv_response(name: str, user: Any, selected: DashboardFilter, as_of: Any) -> HttpResponseBase:
    """The chart's figures as CSV; the long call list streamed."""
    header, rows = EXPORTS[name](user, selected)
    chunks = _csv_chunks(header, rows, get_language() or "zh-hans")
    content_type = "text/csv; charset=utf-8"
    response: HttpResponseBase = (
        StreamingHttpResponse(chunks, content_type=content_type)
        if name in STREAMED
        else HttpResponse(b"".join(chunks), content_type=content_type)
    )
    response["Content-Disposition"] = f'attachment; filename="guanxi-{name}-{as_of}.csv"'
    return response
