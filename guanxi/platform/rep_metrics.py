"""Figures about a person's work that other modules contribute to the sales rep report.

The manager choosing who gets the big deal wants the satisfaction of each rep's customers, which
service will record; sales and service are siblings and never import each other, so a module
registers a :class:`RepMetric` here and sales shows whatever is registered (nothing registers one
yet: the service module does not exist).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# (viewer, user ids, start, end) → {user id: value}; a value is a number or None ("no data").
# The viewer is given so that a module counts only the records the viewer may see.
Compute = Callable[[Any, Iterable[int], datetime.datetime, datetime.datetime], dict[int, Any]]


@dataclass(frozen=True)
class RepMetric:
    key: str
    label: Any  # a string or a lazy translation
    compute: Compute


_METRICS: dict[str, RepMetric] = {}


def register_rep_metric(metric: RepMetric) -> None:
    _METRICS[metric.key] = metric


def unregister_rep_metric(key: str) -> None:
    _METRICS.pop(key, None)


def registered_rep_metrics() -> list[RepMetric]:
    return sorted(_METRICS.values(), key=lambda metric: metric.key)
