"""The channel report: leads per channel and campaign in a period, and how far they went."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.sales.models import Lead
from guanxi.sales.services.conversion import lead_convert
from guanxi.sales.services.leads import lead_create, lead_update
from guanxi.sales.services.opportunities import opportunity_update
from guanxi.sales.services.pipelines import ensure_default_pipeline
from guanxi.sales.views.forecast import current_quarter

pytestmark = pytest.mark.usefixtures("english")


def test_channels_and_campaigns(people: Any, api_for: Any) -> None:
    won_stage = ensure_default_pipeline(people.org.pk).stages.get(outcome="won")

    def lead(name: str, phone: str, source: str, campaign: str = "") -> Lead:
        return lead_create(
            actor=people.owner, name=name, phones=[phone], source=source, utm_campaign=campaign
        )

    show = [lead(f"展会{i}", f"1380000000{i}", "trade_show", "expo-2026") for i in range(3)]
    web = lead("网站", "13900000000", "web_form")
    lead("私密", "13700000000", "web_form").__class__.objects.filter(name="私密").update(
        visibility="owner"
    )
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    Lead.objects.filter(pk=show[0].pk).update(created_at=two_days_ago)
    show[0].refresh_from_db()
    done = lead_convert(actor=people.owner, lead=show[0], create_opportunity=True, amount="50000")
    assert done.opportunity is not None
    opportunity_update(actor=people.owner, opportunity=done.opportunity, version=1, stage=won_stage)
    lead_convert(actor=people.owner, lead=show[1])
    lead_update(
        actor=people.owner,
        lead=web,
        version=1,
        status="disqualified",
        disqualified_reason="spam",
    )

    body = (
        api_for(people.outsider).get("/api/v1/channel-report", {"period": current_quarter()}).json()
    )
    assert body["total"]["leads"] == 4  # the private lead is not the outsider's to count
    channels = {row["channel"]: row for row in body["channels"]}
    assert {
        k: channels["Trade show"][k]
        for k in (
            "leads",
            "qualified",
            "converted",
            "opportunities",
            "won",
            "won_revenue",
            "converted_rate",
        )
    } == {
        "leads": 3,
        "qualified": 2,
        "converted": 2,
        "opportunities": 1,
        "won": 1,
        "won_revenue": "50000.00",
        "converted_rate": 0.667,
    }
    assert channels["Trade show"]["median_days_to_convert"] == pytest.approx(1.0, abs=0.05)
    assert (channels["Web form"]["leads"], channels["Web form"]["converted"]) == (1, 0)
    assert [(c["campaign"], c["leads"]) for c in body["campaigns"]] == [("expo-2026", 3)]
    mine = api_for(people.owner).get("/api/v1/channel-report", {"period": current_quarter()})
    assert mine.json()["total"]["leads"] == 5
    assert api_for(people.owner).get("/api/v1/channel-report", {"period": "x"}).status_code == 422


def test_channel_page(people: Any) -> None:
    client = Client()
    client.force_login(people.owner)
    assert "这段期间没有新线索" in client.get("/channels/").content.decode()
    lead_create(actor=people.owner, name="王芳", phones=["13800138000"], source="referral")
    html = client.get("/channels/").content.decode()
    assert "转介绍" in html and "funnel-data" in html
