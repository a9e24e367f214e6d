"""Rep performance for the manager choosing who gets the big deal (win rate, cycle, deal size,
promises kept, and what other modules register), monthly targets with the leaderboard, and the
daily sales brief posted to the team's group bot."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent
from guanxi.platform.notifications.models import Delivery, Notification
from guanxi.platform.notifications.services.group_bots import group_bot_create
from guanxi.platform.rep_metrics import RepMetric, register_rep_metric, unregister_rep_metric
from guanxi.sales.daily_brief import send_daily_briefs
from guanxi.sales.models import Opportunity, SalesTarget
from guanxi.sales.services.commitments import commitment_close, commitment_create
from guanxi.sales.services.opportunities import opportunity_create, opportunity_update
from guanxi.sales.services.targets import target_set
from tests.test_notifications import _run_queued_deliveries, bot_receiver  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}


def _close(person: Any, name: str, amount: str, stage: str, days: int) -> Opportunity:
    deal = opportunity_create(actor=person, name=name, amount=amount)
    stages = {s.name: s for s in deal.pipeline.stages.all()}
    opportunity_update(
        actor=person, opportunity=deal, version=1, stage=stages[stage], close_reason="—"
    )
    created = timezone.now() - datetime.timedelta(days=days)
    Opportunity.objects.filter(pk=deal.pk).update(created_at=created)
    return deal


@pytest.fixture
def month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def test_rep_performance(people: Any, api_for: Any, month: str) -> None:
    _close(people.owner, "A", "10000", "Won", 10)
    _close(people.owner, "B", "30000", "Won", 30)
    _close(people.owner, "C", "5000", "Lost", 5)
    _close(people.teammate, "D", "8000", "Lost", 3)
    customer = contact_create(actor=people.owner, name="客户")
    soon = timezone.now() + datetime.timedelta(minutes=5)
    kept = commitment_create(
        actor=people.owner, contact=customer, description="寄样品", due_at=soon
    )
    commitment_close(actor=people.owner, commitment=kept, status="kept", version=1)
    broken = commitment_create(
        actor=people.owner, contact=customer, description="回电", due_at=soon
    )
    commitment_close(actor=people.owner, commitment=broken, status="broken", version=1)
    register_rep_metric(
        RepMetric("satisfaction", "CSAT", lambda viewer, ids, start, end: {i: 4.5 for i in ids})
    )
    try:
        rows = api_for(people.manager).get(f"/api/v1/rep-performance?period={month}", **EN).json()
    finally:
        unregister_rep_metric("satisfaction")
    assert [
        (r["username"], r["won"], r["lost"], r["win_rate"], r["won_amount"], r["average_deal"])
        for r in rows
    ] == [
        ("owner", 2, 1, 0.667, "40000.00", "20000.00"),
        ("teammate", 0, 1, 0.0, "0.00", None),
    ]
    assert rows[0]["median_cycle_days"] == pytest.approx(20.0, abs=0.1)
    assert (rows[0]["promises_kept"], rows[0]["more"]) == (0.5, {"satisfaction": 4.5})


def test_targets_and_the_leaderboard(people: Any, api_for: Any, month: str) -> None:
    _close(people.owner, "A", "12000", "Won", 1)
    _close(people.teammate, "B", "3000", "Won", 1)
    manager = api_for(people.manager)
    for user, amount in (("owner", "20000"), ("teammate", "10000")):
        answer = manager.post(
            "/api/v1/sales-targets", {"month": month, "amount": amount, "user": user}, **EN
        )
        assert answer.status_code == 200, answer.content
    again = manager.post(
        "/api/v1/sales-targets", {"month": month, "amount": "15000.00", "user": "owner"}, **EN
    )
    assert again.json()["amount"] == "15000.00"
    assert SalesTarget.objects.count() == 2
    team = manager.post(
        "/api/v1/sales-targets",
        {"month": month, "amount": "50000", "team_id": str(people.team.public_id)},
        **EN,
    )
    assert team.status_code == 200
    # A manager sets targets for the teams they manage only; reps set none.
    outsider_target = {"month": month, "amount": "1", "user": "outsider"}
    assert manager.post("/api/v1/sales-targets", outsider_target, **EN).status_code == 403
    rep_sets = {"month": month, "amount": "1", "user": "owner"}
    assert api_for(people.owner).post("/api/v1/sales-targets", rep_sets, **EN).status_code == 403
    board = api_for(people.owner).get(f"/api/v1/leaderboard?period={month}", **EN).json()
    assert [
        (s["rank"], s["name"], s["won_amount"], s["target"], s["completion"]) for s in board["reps"]
    ] == [
        (1, "owner", "12000.00", "15000.00", 0.8),
        (2, "teammate", "3000.00", "10000.00", 0.3),
    ]
    assert board["teams"] == [
        {
            "rank": 1,
            "name": "East",
            "won_amount": "15000.00",
            "target": "50000.00",
            "completion": 0.3,
        }
    ]
    assert AuditEvent.objects.filter(verb="sales.target.set").count() == 4


def test_daily_brief_goes_to_the_team_bot_once(
    people: Any,
    bot_receiver: Any,  # noqa: F811 - the fixture imported above
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.GUANXI_BASE_URL = "https://crm.example.test"
    group_bot_create(
        actor=people.admin,
        name="东区企业微信群",
        service="wecom",
        webhook_url=f"{bot_receiver.base}/cgi-bin/webhook/send?key=k1",
        team=people.team,
    )
    _close(people.owner, "A", "12000", "Won", 1)
    target_set(actor=people.manager, month=timezone.localdate(), amount="48000", team=people.team)
    zone = timezone.get_current_timezone()
    morning = datetime.datetime.combine(timezone.localdate(), datetime.time(9), zone)
    assert send_daily_briefs(morning, None) == 0
    evening = morning.replace(hour=18, minute=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_briefs(evening, None) == 1
    assert send_daily_briefs(evening + datetime.timedelta(hours=1), None) == 0
    brief = Notification.objects.get(kind="sales.daily_brief")
    assert brief.recipient == people.manager
    assert brief.body_text == (
        "Today: 0 new leads, 0 quotes sent, 1 deals won (12000.00). Month so far: 12000.00, "
        "25% of the target. Best: owner 12000.00"
    )
    assert Delivery.objects.filter(channel="group_bot").count() == 1
    assert _run_queued_deliveries() == ["sent"]
    path, body, _type = bot_receiver.posts[0]
    assert path.startswith("/cgi-bin/webhook/send")
    assert "12000.00" in str(body)


def test_performance_page(people: Any, month: str) -> None:
    from django.test import Client

    _close(people.owner, "A", "12000", "Won", 1)
    client = Client()
    client.force_login(people.manager)
    page = client.get("/performance/", headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert page.status_code == 200 and "Leaderboard" in html and "¥12,000.00" in html
    saved = client.post("/performance/", {"user": "owner", "month": month, "amount": "20000"})
    assert saved.status_code == 302
    assert SalesTarget.objects.get().amount == Decimal("20000.00")


def test_the_leaderboard_covers_the_viewers_teams_with_shared_ranks(
    people: Any, api_for: Any, month: str
) -> None:
    _close(people.owner, "A", "1000", "Won", 1)
    _close(people.teammate, "B", "1000", "Won", 1)
    _close(people.outsider, "C", "9000", "Won", 1)
    target_set(actor=people.admin, month=timezone.localdate(), amount="5000", user=people.outsider)
    mine = api_for(people.owner).get(f"/api/v1/leaderboard?period={month}", **EN).json()
    assert [(s["rank"], s["name"], s["won_amount"]) for s in mine["reps"]] == [
        (1, "owner", "1000.00"),
        (1, "teammate", "1000.00"),
    ]
    assert [team["name"] for team in mine["teams"]] == ["East"]
    everyone = api_for(people.admin).get(f"/api/v1/leaderboard?period={month}", **EN).json()
    assert [(s["rank"], s["name"], s["completion"]) for s in everyone["reps"]] == [
        (1, "outsider", 1.8),
        (2, "owner", None),
        (2, "teammate", None),
    ]
