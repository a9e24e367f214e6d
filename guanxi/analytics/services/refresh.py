"""Recomputing every customer's scores: summary → models → scores → one transactional write.

A refresh that fails at any point leaves the previous scores in place (they are replaced in one
transaction at the very end) and is recorded as failed with its error. The row written for each
refresh is the snapshot that reports and dashboards read.
"""

from __future__ import annotations

import datetime
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.analytics.config import AnalysisConfig, analysis_config
from guanxi.analytics.models import RefreshStatus, ScoreRefresh
from guanxi.analytics.notifications import notify_refresh_finished
from guanxi.analytics.permissions import AnalyticsPermission
from guanxi.analytics.scoring import PreviousScores, ScoreResult, rounded, score_customers
from guanxi.analytics.services.follow_ups import churn_follow_ups_create
from guanxi.analytics.services.queue import refresh_start, stage_recorder
from guanxi.analytics.summary import day_from_number, months_before, purchase_summary
from guanxi.core.errors import PermissionDeniedError
from guanxi.customers.churn_signals import service_signals
from guanxi.customers.models import CustomerScore
from guanxi.customers.services.scores import customer_scores_replace
from guanxi.platform.services.audit import audit_record

Progress = Callable[[str, int, int], None]
STRATEGY = {
    "strategic": "Build a close alliance",
    "profitable": "Keep them stable",
    "risk": "Develop with care",
    "ordinary": "Maintain at low cost",
}
SCORE_COLUMNS = (
    "contact_id",
    "org_id",
    "as_of",
    "refreshed_at",
    "first_purchase_on",
    "last_purchase_on",
    "purchase_days",
    "orders",
    "historical_value",
    "current_value",
    "average_order_value",
    "recency_days",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_segment",
    "p_alive",
    "expected_purchases",
    "expected_spend",
    "clv",
    "potential_value",
    "value_quadrant",
    "grid_cell",
    "previous_grid_cell",
    "previous_p_alive",
    "churn_risk",
    "churn_reasons",
)


def _previous_scores(org_id: int) -> PreviousScores:
    previous = PreviousScores()
    rows = CustomerScore.objects.filter(org_id=org_id).values_list(
        "contact_id", "grid_cell", "p_alive"
    )
    for contact_id, grid_cell, p_alive in rows.iterator(chunk_size=20_000):
        previous.grid_cell[contact_id] = grid_cell
        if p_alive is not None:
            previous.p_alive[contact_id] = p_alive
    return previous


def _rounded(values: Any, digits: int, *, nan_is_none: bool) -> list[float | None]:
    """``round(float(v), digits)`` of each value and None for None, a column at a time."""
    items = np.asarray(values)
    missing = np.zeros(len(items), dtype=bool)
    if items.dtype == object:
        missing = np.array([v is None for v in items.tolist()], dtype=bool)
        items = np.where(missing, np.nan, items)
    numbers = items.astype(float)
    result: list[float | None] = list(rounded(numbers, digits))
    for i in np.flatnonzero(np.isnan(numbers) if nan_is_none else missing).tolist():
        result[i] = None
    return result


def _moneys(values: Any) -> list[float | None]:
    """Amounts rounded to cents; None for none and for NaN."""
    return _rounded(values, 2, nan_is_none=True)


def _optionals(values: Any, digits: int = 6) -> list[float | None]:
    return _rounded(values, digits, nan_is_none=False)


def _integers(values: Any) -> list[int | None]:
    return [None if v is None else int(v) for v in np.asarray(values).tolist()]


def _days(values: Any) -> list[datetime.date | None]:
    """Day numbers (NaN for none) as dates, each distinct day converted once."""
    values = np.asarray(values, dtype=float)
    known = ~np.isnan(values)
    distinct, index = np.unique(values[known].astype(np.int64), return_inverse=True)
    dates = np.array([*(day_from_number(d) for d in distinct.tolist()), None], dtype=object)
    where = np.full(len(values), len(distinct))
    where[known] = index.ravel()
    return dates[where].tolist()


def _rows(result: ScoreResult, org_id: int, as_of: datetime.date) -> Iterator[tuple[Any, ...]]:
    """The score rows in SCORE_COLUMNS order, converted column by column (not value by value)."""
    c = result.columns
    size = len(c["contact_id"])
    constant = itertools.repeat
    return zip(
        np.asarray(c["contact_id"]).astype(np.int64).tolist(),
        constant(org_id, size),
        constant(as_of, size),
        constant(timezone.now(), size),
        _days(c["first_day"]),
        _days(c["last_day"]),
        np.asarray(c["purchase_days"]).astype(np.int64).tolist(),
        np.asarray(c["orders"]).astype(np.int64).tolist(),
        _moneys(c["historical_value"]),
        _moneys(c["current_value"]),
        _moneys(c["average_order_value"]),
        _integers(c["recency_days"]),
        _integers(c["rfm_recency"]),
        _integers(c["rfm_frequency"]),
        _integers(c["rfm_monetary"]),
        list(c["rfm_segment"]),
        _optionals(c["p_alive"]),
        _optionals(c["expected_purchases"]),
        _moneys(c["expected_spend"]),
        _moneys(c["clv"]),
        _moneys(c["potential_value"]),
        list(c["value_quadrant"]),
        list(c["grid_cell"]),
        list(c["previous_grid_cell"]),
        list(c["previous_p_alive"]),
        rounded(c["churn_risk"], 6),
        ["[]" if not reasons else json.dumps(reasons) for reasons in c["churn_reasons"]],
        strict=True,
    )


def _snapshot(refresh: ScoreRefresh, result: ScoreResult, config: AnalysisConfig) -> None:
    c = result.columns
    refresh.customers = len(c["contact_id"])
    refresh.buyers = int((c["purchase_days"] > 0).sum())
    refresh.bgnbd = result.bgnbd.as_dict() if result.bgnbd else None
    refresh.gamma_gamma = result.gamma_gamma.as_dict() if result.gamma_gamma else None
    refresh.thresholds = {k: round(v, 4) for k, v in result.thresholds.items()}
    refresh.segments = result.counts("rfm_segment")
    quadrant_counts = result.counts("value_quadrant")
    refresh.value_matrix = {
        name: {"customers": quadrant_counts.get(name, 0), "strategy": strategy}
        for name, strategy in STRATEGY.items()
    }
    grid_counts = result.counts("grid_cell")
    refresh.grid = {cell: grid_counts.get(cell, 0) for cell in "ABCDE"}
    moves = Counter(
        f"{before}->{after}"
        for before, after in zip(
            np.asarray(c["previous_grid_cell"]).tolist(),
            np.asarray(c["grid_cell"]).tolist(),
            strict=True,
        )
        if before and before != after
    )
    refresh.grid_movement = dict(sorted(moves.items()))
    at_risk = sum(1 for reasons in c["churn_reasons"] if reasons)
    refresh.churn = {"at_risk": at_risk}
    refresh.messages = result.messages
    refresh.settings = {k: v for k, v in config.as_dict().items() if k != "segment_rules"}


def scores_refresh(
    *,
    actor: Any,
    org_id: int | None = None,
    as_of: datetime.date | None = None,
    follow_up_tasks: bool | None = None,
    progress: Progress | None = None,
    config: AnalysisConfig | None = None,
    refresh_id: int | None = None,
) -> ScoreRefresh:
    """Recompute all scores of the actor's organisation with ``as_of`` ending the calibration."""
    if actor is not None and not actor.has_role_permission(AnalyticsPermission.REFRESH_ANALYTICS):
        raise PermissionDeniedError(_("You may not recompute customer scores."))
    org_id = org_id if org_id is not None else actor.org_id
    config = config or analysis_config()
    as_of = as_of or timezone.localdate()
    started = time.monotonic()
    report = progress or (lambda stage, done, total: None)
    refresh = refresh_start(org_id=org_id, actor=actor, as_of=as_of, refresh_id=refresh_id)
    report = stage_recorder(refresh, report)
    try:
        report("summary", 0, 4)
        summary = purchase_summary(
            org_id,
            as_of=as_of,
            recent_from=months_before(as_of, config.current_value_months),
        )
        report("models", 1, 4)
        buyer_ids = summary.contact_id[summary.buyers].tolist()
        result = score_customers(
            summary,
            as_of=as_of,
            config=config,
            previous=_previous_scores(org_id),
            signals=service_signals(org_id, buyer_ids),
        )
        report("writing", 2, 4)
        _snapshot(refresh, result, config)
        with transaction.atomic():
            customer_scores_replace(
                org_id=org_id, columns=SCORE_COLUMNS, rows=_rows(result, org_id, as_of)
            )
            refresh.status = RefreshStatus.FINISHED
            refresh.finished_at = timezone.now()
            refresh.seconds = round(time.monotonic() - started, 3)
            refresh.save()
            audit_record(
                actor=actor,
                verb="analytics.scores.refreshed",
                target=refresh,
                changes={"as_of": as_of.isoformat(), "customers": refresh.customers},
            )
            notify_refresh_finished(refresh)  # notifications: the person who started it
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        with transaction.atomic():
            ScoreRefresh.objects.filter(pk=refresh.pk).update(
                status=RefreshStatus.FAILED, error=error, finished_at=timezone.now()
            )
            audit_record(
                actor=actor,
                verb="analytics.scores.refresh_failed",
                target=refresh,
                changes={"as_of": as_of.isoformat(), "error": error},
            )
            notify_refresh_finished(refresh, failed=True)  # notifications
        raise
    report("follow-ups", 3, 4)
    if config.follow_up_tasks if follow_up_tasks is None else follow_up_tasks:
        churn_follow_ups_create(actor=actor, org_id=org_id, as_of=as_of, config=config)
    report("done", 4, 4)
    return refresh
