"""Explained lead scores: the administrator's rules item by item, the chance learned from the
organisation's own converted and lost leads (naive Bayes per field) with each field's factor, and
the calibration report scoring every closed lead without its own outcome."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from guanxi.sales.models import Lead
from guanxi.sales.services.channels import ensure_default_channels
from guanxi.sales.services.leads import lead_create
from guanxi.sales.services.scoring import scoring_rule_create

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}


def _history(people: Any) -> None:
    """Referrals convert 8 times in 10, web-form leads 2 times in 10."""
    ensure_default_channels(people.org.pk)
    number = 0
    for channel, converted in (("referral", 8), ("web_form", 2)):
        for index in range(10):
            number += 1
            lead = lead_create(
                actor=people.owner,
                name=f"历史{number}",
                phones=[f"1380000{number:04d}"],
                source=channel,
            )
            if index < converted:
                Lead.objects.filter(pk=lead.pk).update(
                    converted_at=timezone.now(), status="qualified"
                )
            else:
                Lead.objects.filter(pk=lead.pk).update(status="disqualified")


def test_a_score_explains_itself(people: Any, api_for: Any) -> None:
    _history(people)
    scoring_rule_create(
        actor=people.admin, label="决策人", kind="fit", field="title", contains="经理", points=20
    )
    scoring_rule_create(
        actor=people.admin,
        label="转介绍",
        kind="engagement",
        field="channel",
        contains="referral",
        points=15,
    )
    scoring_rule_create(
        actor=people.admin, label="留了邮箱", kind="engagement", field="email", points=5
    )
    fresh = lead_create(
        actor=people.owner,
        name="新线索",
        phones=["13900000001"],
        source="referral",
        title="采购经理",
    )
    score = api_for(people.owner).get(f"/api/v1/leads/{fresh.public_id}/score", **EN).json()
    assert score["points"] == 35
    assert [(r["label"], r["points"]) for r in score["rules"]] == [("决策人", 20), ("转介绍", 15)]
    learned = score["learned"]
    # 10 converted, 10 lost: a base rate of 11/22. Referral: (8+1)/13 against (2+1)/13, ×3.
    # The title "decision maker" was never seen: (0+1)/(10+2) against (0+1)/(10+2), ×1.
    assert (learned["base_rate"], learned["trained_on"]) == (0.5, 20)
    factors = {item["field"]: (item["value"], item["factor"]) for item in learned["items"]}
    assert factors["channel"] == ("referral", 3.0)
    assert factors["title"] == ("decision maker", 1.0)
    assert learned["probability"] == 0.75
    secret = lead_create(
        actor=people.owner, name="私人", phones=["13900000003"], visibility="owner"
    )
    hidden = api_for(people.outsider).get(f"/api/v1/leads/{secret.public_id}/score")
    assert hidden.status_code == 404


def test_no_learned_score_without_history(people: Any, api_for: Any) -> None:
    lead = lead_create(actor=people.owner, name="孤单", phones=["13900000002"])
    score = api_for(people.owner).get(f"/api/v1/leads/{lead.public_id}/score", **EN).json()
    assert score == {"points": 0, "rules": [], "learned": None}
    report = api_for(people.manager).get("/api/v1/lead-scoring/calibration", **EN).json()
    assert report == {"usable": False, "leads": 0, "deciles": [], "channels": [], "brier": None}


def test_calibration_by_decile_and_channel(people: Any, api_for: Any) -> None:
    _history(people)
    report = api_for(people.manager).get("/api/v1/lead-scoring/calibration", **EN).json()
    assert (report["usable"], report["leads"]) == (True, 20)
    assert [row["leads"] for row in report["deciles"]] == [2] * 10
    channels = {row["channel"]: row for row in report["channels"]}
    assert (channels["referral"]["actual"], channels["web_form"]["actual"]) == (0.8, 0.2)
    # Each lead judged without its own outcome: a converted referral sees 7 of 9 others
    # converted, a lost one 8 of 9, so the referral channel's mean prediction is below 0.8.
    assert 0.5 < channels["referral"]["predicted"] < 0.8
    assert 0.2 < channels["web_form"]["predicted"] < 0.5
    lowest, highest = report["deciles"][0], report["deciles"][-1]
    assert lowest["predicted"] < highest["predicted"]
    assert 0 < report["brier"] < 0.25


def test_only_administrators_write_scoring_rules(people: Any, api_for: Any) -> None:
    body = {"label": "华东", "kind": "fit", "field": "province", "contains": "上海", "points": 10}
    assert api_for(people.manager).post("/api/v1/lead-scoring/rules", body, **EN).status_code == 403
    made = api_for(people.admin).post("/api/v1/lead-scoring/rules", body, **EN)
    assert made.status_code == 201
    bad = api_for(people.admin).post("/api/v1/lead-scoring/rules", {**body, "points": 500}, **EN)
    assert bad.status_code == 422
    listed = api_for(people.owner).get("/api/v1/lead-scoring/rules", **EN).json()
    assert [(rule["label"], rule["points"]) for rule in listed] == [("华东", 10)]


def test_pages_show_the_score_and_the_calibration(people: Any) -> None:
    from django.test import Client

    _history(people)
    lead = Lead.objects.filter(channel__code="referral").first()
    client = Client()
    client.force_login(people.owner)
    page = client.get(f"/leads/{lead.public_id}/", headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert "chance to convert, learned from past leads" in html
    assert "channel = referral: ×" in html
    assert client.get("/leads/calibration/").status_code == 403  # a rep
    client.force_login(people.manager)
    report = client.get("/leads/calibration/", headers={"Accept-Language": "en"})
    assert report.status_code == 200
    assert "20 closed leads" in report.content.decode()
