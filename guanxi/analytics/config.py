"""The analysis settings, with defaults a shop can use unchanged.

Any of them can be overridden in ``settings.GUANXI_ANALYTICS`` (a dict with the same names).
docs/analytics.md explains each choice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

# Recency score × frequency score → segment; the first rule that matches wins. This is the widely
# used table (e.g. the "RFM segments" of Putler and the Kaggle notebooks that popularised it).
DEFAULT_SEGMENT_RULES: tuple[tuple[str, tuple[int, int], tuple[int, int]], ...] = (
    ("champions", (5, 5), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("cannot_lose", (1, 2), (5, 5)),
    ("at_risk", (1, 2), (3, 4)),
    ("hibernating", (1, 2), (1, 2)),
    ("need_attention", (3, 3), (3, 3)),
    ("about_to_sleep", (3, 3), (1, 2)),
    ("potential_loyalist", (4, 5), (2, 3)),
    ("promising", (4, 4), (1, 1)),
    ("new", (5, 5), (1, 1)),
)


@dataclass(frozen=True)
class AnalysisConfig:
    # Lifetime value.
    horizon_months: int = 36
    annual_discount_rate: float = 0.10
    margin: float = 1.0  # 1.0 = value in revenue; set the gross margin to value in profit
    # Current value is the spend of this many months up to the analysis date.
    current_value_months: int = 12
    # Thresholds of the value matrix and the A–E grid; None means the median of buyers.
    current_value_threshold: float | None = None
    potential_value_threshold: float | None = None
    order_value_threshold: float | None = None
    frequency_threshold: float | None = None
    # Churn warning.
    p_alive_threshold: float = 0.5
    p_alive_drop: float = 0.2
    overdue_factor: float = 2.0
    follow_up_tasks: bool = False
    follow_up_due_days: int = 3
    follow_up_limit: int = 100  # per refresh, the customers most at risk first
    segment_rules: tuple[tuple[str, tuple[int, int], tuple[int, int]], ...] = field(
        default=DEFAULT_SEGMENT_RULES
    )

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def analysis_config(**overrides: Any) -> AnalysisConfig:
    values = {**getattr(settings, "GUANXI_ANALYTICS", {}), **overrides}
    known = {f.name for f in dataclasses.fields(AnalysisConfig)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"Unknown analytics setting(s): {', '.join(sorted(unknown))}")
    return AnalysisConfig(**values)
