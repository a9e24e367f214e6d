"""RFM: recency, frequency and monetary value scored 1–5 by quintile, and the named segment."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from guanxi.analytics.statistics.compress import Array

SegmentRules = Sequence[tuple[str, tuple[int, int], tuple[int, int]]]


def quintile_scores(values: Array, tie_breaker: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """1 for the lowest fifth … 5 for the highest, by rank; equal values ordered by ``tie_breaker``.

    Ranking (not value cut points) keeps the five groups equal in size even when many customers
    share a value, and the tie-breaker (the contact id: older customers first) makes the result
    the same on every run and database.
    """
    count = len(values)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((tie_breaker, values))
    scores = np.empty(count, dtype=np.int64)
    scores[order] = 1 + (np.arange(count) * 5) // count
    return scores


def rfm_scores(
    recency_days: Array, frequency: Array, monetary: Array, contact_id: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Recency is reversed: the most recent buyers score 5."""
    return (
        quintile_scores(-recency_days, contact_id),
        quintile_scores(frequency, contact_id),
        quintile_scores(monetary, contact_id),
    )


def segments(
    recency: npt.NDArray[np.int64], frequency: npt.NDArray[np.int64], rules: SegmentRules
) -> npt.NDArray[np.str_]:
    result = np.full(len(recency), "", dtype=object)
    for name, (r_low, r_high), (f_low, f_high) in reversed(list(rules)):
        hit = (
            (recency >= r_low) & (recency <= r_high) & (frequency >= f_low) & (frequency <= f_high)
        )
        result[hit] = name
    return result.astype(str)
