"""Opportunities through the API: the default pipeline, stage moves that refuse stale versions
and other teams, names of hidden customers never shown; handover and merge move deals along."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.merge import contact_merge
from guanxi.platform.handover import handover_run
from guanxi.platform.models import AuditEvent
from guanxi.sales.models import Opportunity, StageChange
from guanxi.sales.services.leads import lead_create
from guanxi.sales.services.opportunities import opportunity_create

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}


def _stages(api: Any) -> dict[str, int]:
    pipelines = api.get("/api/v1/pipelines", **EN).json()
    assert [p["name"] for p in pipelines] == ["Sales pipeline"]
    return {stage["name"]: stage["id"] for stage in pipelines[0]["stages"]}


def test_default_pipeline_and_stage_moves(people: Any, api_for: Any) -> None:
    api = api_for(people.owner)
    stages = _stages(api)
    assert list(stages) == [
        "Prospecting",
        "Qualification",
        "Needs analysis",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ]
    created = api.post("/api/v1/opportunities", {"name": "门店收银", "amount": "8800.5"}, **EN)
    assert created.status_code == 201, created.content
    deal = created.json()
    assert (deal["amount"], deal["stage_name"], deal["probability"], deal["is_open"]) == (
        "8800.50",
        "Prospecting",
        10,
        True,
    )
    path = f"/api/v1/opportunities/{deal['id']}"
    moved = api.patch(path, {"stage": stages["Proposal"], "version": 1}, **EN)
    assert (moved.status_code, moved.json()["stage_name"], moved.json()["version"]) == (
        200,
        "Proposal",
        2,
    )
    stale = api.patch(path, {"stage": stages["Negotiation"], "version": 1}, **EN)
    assert stale.status_code == 409
    won = api.patch(path, {"stage": stages["Won"]}, **{**EN, "If-Match": '"2"'})
    assert (won.json()["is_open"], won.json()["stage_name"]) == (False, "Won")
    record = Opportunity.objects.get()
    assert [c.to_stage.name for c in StageChange.objects.filter(opportunity=record)] == [
        "Prospecting",
        "Proposal",
        "Won",
    ]
    assert AuditEvent.objects.filter(verb="sales.opportunity.stage_changed").count() == 2


def test_bad_input(people: Any, api_for: Any) -> None:
    api = api_for(people.owner)
    stages = _stages(api)
    for body in (
        {"name": "x", "amount": 12.5},
        {"name": "x", "amount": "-1"},
        {"name": ""},
        {"name": "x", "stage": 999999},
    ):
        assert api.post("/api/v1/opportunities", body, **EN).status_code == 422, body
    deal = api.post("/api/v1/opportunities", {"name": "x"}).json()
    path = f"/api/v1/opportunities/{deal['id']}"
    assert api.patch(path, {"stage": "Won", "version": 1}).status_code == 422
    assert api.patch(path, {"stage": stages["Won"]}).status_code == 428
    assert Opportunity.objects.get().stage.name == "Prospecting"


def test_another_team_cannot_move_a_deal(people: Any, api_for: Any) -> None:
    stages = _stages(api_for(people.owner))
    deal = api_for(people.owner).post("/api/v1/opportunities", {"name": "大单"}).json()
    path = f"/api/v1/opportunities/{deal['id']}"
    body = {"stage": stages["Won"], "version": 1}
    assert api_for(people.outsider).patch(path, body).status_code == 403
    assert api_for(None).patch(path, body).status_code == 401
    assert api_for(people.reader).post("/api/v1/opportunities", {"name": "x"}).status_code == 403
    secret = opportunity_create(actor=people.owner, name="秘密", owner=people.owner)
    secret.visibility = "owner"
    secret.save()
    outsider = api_for(people.outsider)
    assert outsider.get("/api/v1/opportunities").json()["items"][0]["name"] == "大单"
    assert len(outsider.get("/api/v1/opportunities").json()["items"]) == 1
    assert outsider.patch(f"/api/v1/opportunities/{secret.public_id}", body).status_code == 404
    assert Opportunity.objects.get(pk=secret.pk).stage.name == "Prospecting"
    assert api_for(people.manager).patch(path, body).status_code == 200


def test_a_deal_never_names_a_hidden_customer(people: Any, api_for: Any) -> None:
    hidden = account_create(actor=people.owner, name="机密公司", visibility="owner")
    opportunity_create(actor=people.owner, name="大单", account=hidden)
    item = api_for(people.outsider).get("/api/v1/opportunities").json()["items"][0]
    assert (item["account_id"], item["account_name"]) == (None, None)
    mine = api_for(people.owner).get("/api/v1/opportunities").json()["items"][0]
    assert mine["account_name"] == "机密公司"


def test_handover_moves_open_leads_and_deals(people: Any) -> None:
    company = account_create(actor=people.owner, name="华联超市")
    open_deal = opportunity_create(actor=people.owner, name="开着的", account=company)
    lead = lead_create(actor=people.owner, name="王芳", phones=["13800138000"])
    result = handover_run(actor=people.manager, from_user=people.owner, to_users=[people.teammate])
    assert (result.counts["leads"], result.counts["opportunities"]) == (1, 1)
    open_deal.refresh_from_db()
    lead.refresh_from_db()
    assert (open_deal.owner, lead.owner, open_deal.version, lead.version) == (
        people.teammate,
        people.teammate,
        2,
        2,
    )


def test_merge_moves_deals_and_undo_brings_them_back(people: Any) -> None:
    keep = contact_create(actor=people.owner, name="张伟", phones=["13800138000"])
    twin = contact_create(actor=people.owner, name="張偉", phones=["13800138000"])
    deal = opportunity_create(actor=people.owner, name="复购", contact=twin)
    merge = contact_merge(actor=people.owner, source=twin, target=keep)
    deal.refresh_from_db()
    assert deal.contact_id == keep.pk
    from guanxi.customers.services.merge import merge_undo

    merge_undo(actor=people.owner, record=merge)
    deal.refresh_from_db()
    assert deal.contact_id == twin.pk
