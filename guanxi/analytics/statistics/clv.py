"""Discounted customer lifetime value from the purchase and spend models."""

from __future__ import annotations

import numpy as np

from guanxi.analytics.statistics import bgnbd
from guanxi.analytics.statistics.compress import Array, distinct_summaries

WEEKS_PER_MONTH = 365.25 / 12 / 7


def discounted_value(
    params: bgnbd.BgNbdParams,
    x: Array,
    t_x: Array,
    big_t: Array,
    spend: Array,
    *,
    months: int,
    annual_discount_rate: float,
    margin: float,
) -> Array:
    """Sum over the coming months of (expected purchases that month) × spend × margin, discounted.

    The expected purchases are evaluated once per distinct (x, t_x, T), which is what makes this
    affordable for a million customers (one hypergeometric function per month and history).
    """
    (ux, ut_x, ubig_t), _counts, inverse = distinct_summaries(x, t_x, big_t, with_inverse=True)
    assert inverse is not None
    monthly_rate = (1.0 + annual_discount_rate) ** (1.0 / 12.0) - 1.0
    discounted = np.zeros(len(ux))
    previous = np.zeros(len(ux))
    for month in range(1, months + 1):
        cumulative = bgnbd.expected_purchases(params, month * WEEKS_PER_MONTH, ux, ut_x, ubig_t)
        discounted += (cumulative - previous) / (1.0 + monthly_rate) ** month
        previous = cumulative
    return discounted[inverse] * spend * margin
