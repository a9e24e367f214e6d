"""The value matrix (current × potential value) and the order value × frequency grid (A–E)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from guanxi.analytics.statistics.compress import Array


def median_or(values: Array, fixed: float | None) -> float:
    if fixed is not None:
        return float(fixed)
    return float(np.median(values)) if len(values) else 0.0


def value_quadrants(
    current: Array, potential: Array, current_threshold: float, potential_threshold: float
) -> npt.NDArray[np.str_]:
    """Strategic (high, high), profitable (high current), risk (high potential), ordinary.

    "High" means strictly above the threshold, so that with the default median thresholds a
    customer exactly at the median counts as low.
    """
    high_current = current > current_threshold
    high_potential = potential > potential_threshold
    return np.select(
        [high_current & high_potential, high_current, high_potential],
        ["strategic", "profitable", "risk"],
        default="ordinary",
    ).astype(str)


def grid_cells(
    buyer: npt.NDArray[np.bool_],
    order_value: Array,
    frequency: Array,
    order_value_threshold: float,
    frequency_threshold: float,
) -> npt.NDArray[np.str_]:
    """A never bought; B low value, rarely; C high value, rarely; D low value, often; E both."""
    high_value = order_value > order_value_threshold
    often = frequency > frequency_threshold
    return np.select(
        [~buyer, high_value & often, often, high_value], ["A", "E", "D", "C"], default="B"
    ).astype(str)
