"""The forecast: weighted pipeline, commit and best case, won so far — per rep, team and in
total — and each stage's real win rate; only deals the viewer may see."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from guanxi.sales.forecast import period_range
from guanxi.sales.services.opportunities import opportunity_create, opportunity_update
from guanxi.sales.services.pipelines import ensure_default_pipeline

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}


def _quarter() -> tuple[str, datetime.date]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return f"{today.year}-Q{quarter}", datetime.date(today.year, (quarter - 1) * 3 + 1, 1)


@pytest.fixture
def book(people: Any) -> dict[str, Any]:
    period, start = _quarter()
    stages = {s.name: s for s in ensure_default_pipeline(people.org.pk).stages.all()}

    def deal(actor: Any, name: str, amount: str, stage: str, days: int, category: str) -> Any:
        made = opportunity_create(
            actor=actor,
            name=name,
            amount=amount,
            expected_close=start + datetime.timedelta(days=days),
        )
        return opportunity_update(
            actor=actor,
            opportunity=made,
            version=1,
            stage=stages[stage],
            forecast_category=category,
        )

    deal(people.owner, "A", "10000", "Proposal", 40, "commit")
    deal(people.owner, "B", "5000", "Prospecting", 80, "best_case")
    deal(people.owner, "C", "8000", "Won", 10, "pipeline")
    deal(people.owner, "D", "9999", "Proposal", 120, "commit")  # next quarter
    deal(people.teammate, "E", "2000", "Negotiation", 5, "pipeline")
    lost = deal(people.owner, "F", "3000", "Proposal", 20, "pipeline")
    opportunity_update(
        actor=people.owner,
        opportunity=lost,
        version=lost.version,
        stage=stages["Lost"],
        close_reason="预算取消",
    )
    secret = deal(people.owner, "G", "7000", "Negotiation", 30, "commit")
    secret.visibility = "owner"
    secret.save()
    return {"period": period}


def test_forecast_for_the_quarter(people: Any, api_for: Any, book: dict[str, Any]) -> None:
    response = api_for(people.outsider).get("/api/v1/forecast", {"period": book["period"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["currency"] == "CNY"
    assert body["total"] == {
        "open_count": 3,
        "won_count": 1,
        "pipeline": "17000.00",
        "weighted": "8100.00",  # 10000 × 60 % + 5000 × 10 % + 2000 × 80 %
        "best_case": "15000.00",
        "commit": "10000.00",
        "won": "8000.00",
        "expected": "18000.00",
    }
    assert [(row["owner"], row["pipeline"], row["won"]) for row in body["by_owner"]] == [
        ("owner", "15000.00", "8000.00"),
        ("teammate", "2000.00", "0.00"),
    ]
    assert [(row["team"], row["open_count"]) for row in body["by_team"]] == [("East", 3)]
    rates = {
        row["name"]: (row["reached"], row["won"], row["win_rate"])
        for row in body["win_rate_by_stage"]
    }
    assert rates["Prospecting"] == (2, 1, 0.5)
    assert rates["Proposal"] == (1, 0, 0.0)
    assert rates["Negotiation"] == (0, 0, None)
    # The owner also sees the private deal G (7000 at 80 %, committed).
    mine = api_for(people.owner).get(
        "/api/v1/forecast", {"period": book["period"], "owner": "owner"}
    )
    assert mine.json()["total"]["commit"] == "17000.00"


def test_periods() -> None:
    assert period_range("2026-Q4") == (datetime.date(2026, 10, 1), datetime.date(2027, 1, 1))
    assert period_range("2026-11") == (datetime.date(2026, 11, 1), datetime.date(2026, 12, 1))
    assert period_range("2026-12") == (datetime.date(2026, 12, 1), datetime.date(2027, 1, 1))


def test_bad_period_and_anonymous(people: Any, api_for: Any) -> None:
    for period in ("2026-Q5", "2026-13", "Q4", "", "0000-Q1", "1899-12"):
        response = api_for(people.owner).get("/api/v1/forecast", {"period": period}, **EN)
        assert response.status_code == 422, period
    assert api_for(None).get("/api/v1/forecast", {"period": "2026-Q4"}).status_code == 401


def test_details_and_category_by_patch(people: Any, api_for: Any) -> None:
    api = api_for(people.owner)
    deal = api.post("/api/v1/opportunities", {"name": "x", "amount": "100"}).json()
    path = f"/api/v1/opportunities/{deal['id']}"
    changed = api.patch(
        path,
        {
            "forecast_category": "commit",
            "amount": "250.50",
            "expected_close": "2026-12-20",
            "version": 1,
        },
    )
    assert changed.status_code == 200, changed.content
    assert (
        changed.json()["forecast_category"],
        changed.json()["amount"],
        changed.json()["version"],
    ) == (
        "commit",
        "250.50",
        2,
    )
    refused = api.patch(path, {"forecast_category": "maybe", "version": 2})
    assert refused.status_code == 422


def test_lost_with_reason_and_competitor(people: Any, api_for: Any) -> None:
    api = api_for(people.owner)
    stages = {s["name"]: s["id"] for s in api.get("/api/v1/pipelines", **EN).json()[0]["stages"]}
    deal = api.post("/api/v1/opportunities", {"name": "大单", "amount": "100"}).json()
    path = f"/api/v1/opportunities/{deal['id']}"
    lost = api.patch(
        path,
        {
            "stage": stages["Lost"],
            "close_reason": "价格太高",
            "competitor": "某某软件",
            "version": 1,
        },
    )
    assert lost.status_code == 200, lost.content
    body = lost.json()
    assert (body["stage_name"], body["is_open"], body["close_reason"], body["competitor"]) == (
        "Lost",
        False,
        "价格太高",
        "某某软件",
    )
    too_long = api.patch(path, {"competitor": "x" * 101, "version": body["version"]})
    assert too_long.status_code == 422
