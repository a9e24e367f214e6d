"""Recomputing every customer's scores: summary → models → scores → one transactional write.

A refresh that fails at any point leaves the previous scores in place (they are replaced in one
transaction at the very end) and is recorded as failed with its error. The row written for each
refresh is the snapshot that reports and dashboards read.
"""

from __future__ import annotations

import datetime
import json
import math
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.analytics.churn_signals import service_signals
from guanxi.analytics.config import AnalysisConfig, analysis_config
from guanxi.analytics.models import RefreshStatus, ScoreRefresh
from guanxi.analytics.scoring import PreviousScores, ScoreResult, score_customers
from guanxi.analytics.services.follow_ups import churn_follow_ups_create
from guanxi.analytics.summary import day_from_number, months_before, purchase_summary
from guanxi.core.errors import PermissionDeniedError
from guanxi.customers.models import CustomerScore
from guanxi.customers.services.scores import customer_scores_replace
from guanxi.platform.roles import Permission
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


def _money(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 2)


def _optional(value: Any, digits: int = 6) -> float | None:
    return None if value is None else round(float(value), digits)


def _rows(result: ScoreResult, org_id: int, as_of: datetime.date) -> Iterator[tuple[Any, ...]]:
    c = result.columns
    now = timezone.now()
    listed = {name: list(c[name]) for name in c}

    def day(value: float) -> datetime.date | None:
        return None if np.isnan(value) else day_from_number(int(value))

    for i in range(len(c["contact_id"])):
        yield (
            int(listed["contact_id"][i]),
            org_id,
            as_of,
            now,
            day(listed["first_day"][i]),
            day(listed["last_day"][i]),
            int(listed["purchase_days"][i]),
            int(listed["orders"][i]),
            _money(listed["historical_value"][i]),
            _money(listed["current_value"][i]),
            _money(listed["average_order_value"][i]),
            None if listed["recency_days"][i] is None else int(listed["recency_days"][i]),
            None if listed["rfm_recency"][i] is None else int(listed["rfm_recency"][i]),
            None if listed["rfm_frequency"][i] is None else int(listed["rfm_frequency"][i]),
            None if listed["rfm_monetary"][i] is None else int(listed["rfm_monetary"][i]),
            listed["rfm_segment"][i],
            _optional(listed["p_alive"][i]),
            _optional(listed["expected_purchases"][i]),
            _money(listed["expected_spend"][i]),
            _money(listed["clv"][i]),
            _money(listed["potential_value"][i]),
            listed["value_quadrant"][i],
            listed["grid_cell"][i],
            listed["previous_grid_cell"][i],
            listed["previous_p_alive"][i],
            round(float(listed["churn_risk"][i]), 6),
            json.dumps(listed["churn_reasons"][i]),
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
    refresh.grid = {cell: result.counts("grid_cell").get(cell, 0) for cell in "ABCDE"}
    moves = Counter(
        f"{before}->{after}"
        for before, after in zip(c["previous_grid_cell"], c["grid_cell"], strict=True)
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
) -> ScoreRefresh:
    """Recompute all scores of the actor's organisation with ``as_of`` ending the calibration."""
    if actor is not None and not actor.has_role_permission(Permission.REFRESH_ANALYTICS):
        raise PermissionDeniedError(_("You may not recompute customer scores."))
    org_id = org_id if org_id is not None else actor.org_id
    config = config or analysis_config()
    as_of = as_of or timezone.localdate()
    started = time.monotonic()
    report = progress or (lambda stage, done, total: None)
    refresh = ScoreRefresh.objects.create(org_id=org_id, actor=actor, as_of=as_of)
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
    except Exception as exc:
        ScoreRefresh.objects.filter(pk=refresh.pk).update(
            status=RefreshStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    report("follow-ups", 3, 4)
    if config.follow_up_tasks if follow_up_tasks is None else follow_up_tasks:
        churn_follow_ups_create(actor=actor, org_id=org_id, as_of=as_of, config=config)
    report("done", 4, 4)
    return refresh
