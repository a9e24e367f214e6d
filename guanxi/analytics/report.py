"""The latest refresh as one JSON-ready object (``guanxi analytics report --json``, the API)."""

from __future__ import annotations

from typing import Any

from guanxi.analytics.models import RefreshStatus, ScoreRefresh


def latest_refresh(org_id: int) -> ScoreRefresh | None:
    return (
        ScoreRefresh.objects.filter(org_id=org_id, status=RefreshStatus.FINISHED)
        .order_by("-id")
        .first()
    )


def refresh_report(refresh: ScoreRefresh) -> dict[str, Any]:
    return {
        "as_of": refresh.as_of.isoformat(),
        "refreshed_at": refresh.finished_at.isoformat() if refresh.finished_at else None,
        "time_unit": "weeks",
        "customers": refresh.customers,
        "buyers": refresh.buyers,
        "bgnbd": refresh.bgnbd,
        "gamma_gamma": refresh.gamma_gamma,
        "segments": refresh.segments,
        "value_matrix": {**refresh.value_matrix, "thresholds": refresh.thresholds},
        "grid": refresh.grid,
        "grid_movement": refresh.grid_movement,
        "churn": refresh.churn,
        "settings": refresh.settings,
        "messages": refresh.messages,
        "seconds": refresh.seconds,
    }


def latest_report(org_id: int) -> dict[str, Any] | None:
    refresh = latest_refresh(org_id)
    return refresh_report(refresh) if refresh else None
