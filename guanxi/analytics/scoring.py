"""From purchase summaries to every customer's scores, in arrays.

One pass, no database: the refresh service reads the summary and the previous scores, calls
:func:`score_customers`, and writes the result. The models that cannot be fitted (too little data)
leave their columns empty and say why in ``messages``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from guanxi.analytics.config import AnalysisConfig
from guanxi.analytics.statistics import bgnbd, clv, gamma_gamma, rfm, segments
from guanxi.analytics.statistics.errors import ModelFitError
from guanxi.analytics.summary import PurchaseSummary, day_number

Floats = npt.NDArray[np.float64]


@dataclass
class PreviousScores:
    grid_cell: dict[int, str] = field(default_factory=dict)
    p_alive: dict[int, float] = field(default_factory=dict)


@dataclass
class ScoreResult:
    columns: dict[str, Any]  # column name → array, one entry per customer
    bgnbd: bgnbd.BgNbdParams | None
    gamma_gamma: gamma_gamma.GammaGammaParams | None
    thresholds: dict[str, float]
    messages: list[dict[str, Any]]

    def counts(self, column: str) -> dict[str, int]:
        return dict(
            sorted(Counter(v for v in np.asarray(self.columns[column]).tolist() if v).items())
        )


def rounded(values: Any, digits: int) -> list[float]:
    """``[round(float(v), digits) for v in values]``: the same floats, computed on arrays.

    NumPy's rounding (scale, round half to even, unscale) gives Python's correctly rounded result
    except where the scaled value lies within a rounding error of a half; those few values, and
    any that are huge or not finite, are rounded by Python itself. A million calls of ``round``
    cost a third of a second per column.
    """
    values = np.asarray(values, dtype=float)
    scale = 10.0**digits
    scaled = values * scale
    with np.errstate(invalid="ignore"):
        clear = np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6
    clear &= np.abs(scaled) < 1e9  # also false for NaN and infinities
    result: list[float] = (np.rint(scaled) / scale).tolist()
    for i in np.flatnonzero(~clear).tolist():
        result[i] = round(float(values[i]), digits)
    return result


def model_inputs(
    summary: PurchaseSummary, as_of: datetime.date
) -> tuple[Floats, Floats, Floats, Floats]:
    """x, t_x, T in weeks and the average spend of the repeat purchase days, for buyers."""
    buyers = summary.buyers
    end = day_number(as_of)
    x = summary.purchase_days[buyers] - 1.0
    t_x = (summary.last_day[buyers] - summary.first_day[buyers]) / 7.0
    big_t = (end - summary.first_day[buyers]) / 7.0
    repeat_total = summary.total[buyers] - summary.first_day_total[buyers]
    zbar = np.divide(repeat_total, x, out=np.zeros_like(x), where=x > 0)
    return x, t_x, big_t, zbar


def _lifetime_value(
    result: dict[str, Floats],
    x: Floats,
    t_x: Floats,
    big_t: Floats,
    zbar: Floats,
    config: AnalysisConfig,
    messages: list[dict[str, Any]],
) -> tuple[bgnbd.BgNbdParams | None, gamma_gamma.GammaGammaParams | None]:
    try:
        purchase_model = bgnbd.fit(x, t_x, big_t)
    except ModelFitError as exc:
        messages.append(exc.as_dict())
        return None, None
    result["p_alive"] = bgnbd.probability_alive(purchase_model, x, t_x, big_t)
    horizon_weeks = config.current_value_months * clv.WEEKS_PER_MONTH
    result["expected_purchases"] = bgnbd.expected_purchases(
        purchase_model, horizon_weeks, x, t_x, big_t
    )
    try:
        spend_model = gamma_gamma.fit(x, zbar)
    except ModelFitError as exc:
        messages.append(exc.as_dict())
        return purchase_model, None
    spend = gamma_gamma.expected_spend(spend_model, x, zbar)
    result["expected_spend"] = spend
    result["clv"] = clv.discounted_value(
        purchase_model,
        x,
        t_x,
        big_t,
        spend,
        months=config.horizon_months,
        annual_discount_rate=config.annual_discount_rate,
        margin=config.margin,
    )
    return purchase_model, spend_model


def churn_warnings(
    buyer_ids: npt.NDArray[np.int64],
    recency_days: Floats,
    x: Floats,
    t_x: Floats,
    p_alive: Floats | None,
    previous: PreviousScores,
    signals: dict[int, list[dict[str, Any]]],
    config: AnalysisConfig,
) -> tuple[Floats, list[list[dict[str, Any]]]]:
    risk = np.zeros(len(buyer_ids)) if p_alive is None else 1.0 - p_alive
    gap_days = np.divide(t_x * 7.0, x, out=np.zeros_like(x), where=x > 0)
    # Plain Python values up front: indexing NumPy arrays one element at a time costs seconds
    # for a million customers.
    overdue = ((x > 0) & (recency_days > config.overdue_factor * gap_days)).tolist()
    days, gaps = np.asarray(recency_days).tolist(), gap_days.tolist()
    now_values = None if p_alive is None else rounded(p_alive, 3)
    threshold, drop, before_of = config.p_alive_threshold, config.p_alive_drop, previous.p_alive.get
    reasons: list[list[dict[str, Any]]] = []
    for i, contact_id in enumerate(buyer_ids.tolist()):
        found: list[dict[str, Any]] = []
        if now_values is not None:
            now = now_values[i]
            if now < threshold:
                found.append({"code": "p_alive_low", "p_alive": now})
            before = before_of(contact_id)
            if before is not None and before - now >= drop:
                found.append(
                    {"code": "p_alive_dropped", "before": round(before, 3), "p_alive": now}
                )
        if overdue[i]:
            found.append({"code": "overdue", "days": int(days[i]), "usual_days": round(gaps[i], 1)})
        if signals:
            found.extend(signals.get(contact_id, []))
        reasons.append(found)
    return risk, reasons


def score_customers(
    summary: PurchaseSummary,
    *,
    as_of: datetime.date,
    config: AnalysisConfig,
    previous: PreviousScores,
    signals: dict[int, list[dict[str, Any]]],
) -> ScoreResult:
    buyers = summary.buyers
    buyer_ids = summary.contact_id[buyers]
    messages: list[dict[str, Any]] = []
    x, t_x, big_t, zbar = model_inputs(summary, as_of)
    recency_days = day_number(as_of) - summary.last_day[buyers]
    historical = summary.total[buyers]
    current = summary.recent_total[buyers] * config.margin
    order_value = historical / summary.orders[buyers]

    found: dict[str, Floats] = {}
    purchase_model, spend_model = _lifetime_value(found, x, t_x, big_t, zbar, config, messages)
    r_score, f_score, m_score = rfm.rfm_scores(recency_days, x + 1.0, historical, buyer_ids)
    # Potential value is the predicted (discounted) future value; lifetime value is current +
    # potential, as docs/analytics.md and the product brief define them.
    potential = found["clv"] if "clv" in found else np.zeros(len(x))
    thresholds = {
        "current_value": segments.median_or(current, config.current_value_threshold),
        "potential_value": segments.median_or(potential, config.potential_value_threshold),
        "average_order_value": segments.median_or(order_value, config.order_value_threshold),
        "purchase_days": segments.median_or(x + 1.0, config.frequency_threshold),
    }
    quadrant = (
        segments.value_quadrants(
            current, potential, thresholds["current_value"], thresholds["potential_value"]
        )
        if "clv" in found
        else np.full(len(x), "", dtype=object)
    )
    churn_risk, reasons = churn_warnings(
        buyer_ids, recency_days, x, t_x, found.get("p_alive"), previous, signals, config
    )

    size = len(summary)

    def spread(values: Any, empty: Any, dtype: Any = object) -> Any:
        column = np.full(size, empty, dtype=dtype)
        column[buyers] = values
        return column

    grid = segments.grid_cells(
        buyers,
        spread(order_value, 0.0, float),
        summary.purchase_days,
        thresholds["average_order_value"],
        thresholds["purchase_days"],
    )
    contact_ids = summary.contact_id.tolist()
    previous_grid = np.array([previous.grid_cell.get(c, "") for c in contact_ids], dtype=object)
    previous_p_alive = [previous.p_alive.get(c) for c in contact_ids]
    all_reasons: list[list[dict[str, Any]]] = [[] for _ in range(size)]
    for index, found_reasons in zip(np.flatnonzero(buyers).tolist(), reasons, strict=True):
        all_reasons[index] = found_reasons
    columns: dict[str, Any] = {
        "contact_id": summary.contact_id,
        "first_day": summary.first_day,
        "last_day": summary.last_day,
        "purchase_days": summary.purchase_days,
        "orders": summary.orders,
        "historical_value": summary.total,
        "current_value": spread(current, 0.0, float),
        "average_order_value": spread(order_value, 0.0, float),
        "recency_days": spread(recency_days, None),
        "rfm_recency": spread(r_score, None),
        "rfm_frequency": spread(f_score, None),
        "rfm_monetary": spread(m_score, None),
        "rfm_segment": spread(rfm.segments(r_score, f_score, config.segment_rules), ""),
        "p_alive": spread(found["p_alive"], None) if "p_alive" in found else np.full(size, None),
        "expected_purchases": spread(found["expected_purchases"], None)
        if "expected_purchases" in found
        else np.full(size, None),
        "expected_spend": spread(found["expected_spend"], None)
        if "expected_spend" in found
        else np.full(size, None),
        "clv": spread(current + potential, None) if "clv" in found else np.full(size, None),
        "potential_value": spread(potential, None) if "clv" in found else np.full(size, None),
        "value_quadrant": spread(quadrant, ""),
        "grid_cell": grid,
        "previous_grid_cell": previous_grid,
        "previous_p_alive": previous_p_alive,
        "churn_risk": spread(churn_risk, 0.0, float),
        "churn_reasons": all_reasons,
    }
    return ScoreResult(columns, purchase_model, spend_model, thresholds, messages)
