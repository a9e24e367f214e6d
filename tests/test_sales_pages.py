"""The lead list, a lead's page with status and conversion, and the opportunity board."""

from __future__ import annotations

from typing import Any

from django.test import Client

from guanxi.customers.models import Contact
from guanxi.sales.models import Lead, Opportunity
from guanxi.sales.services.leads import lead_create
from guanxi.sales.services.opportunities import opportunity_create
from guanxi.sales.services.pipelines import ensure_default_pipeline


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_add_find_and_convert_a_lead(people: Any) -> None:
    client = _client(people.owner)
    assert "还没有线索" in client.get("/leads/").content.decode()
    added = client.post(
        "/leads/",
        {"name": "王芳", "phone": "13800138000", "company": "华联超市", "source": "trade_show"},
    )
    assert added.status_code == 302
    lead = Lead.objects.get()
    html = client.get("/leads/", {"q": "wangfang"}).content.decode()
    assert "王芳" in html and "展会" in html
    assert "没有符合条件的线索" in client.get("/leads/", {"q": "李"}).content.decode()
    page = client.get(f"/leads/{lead.public_id}/").content.decode()
    assert "转为客户" in page
    converted = client.post(
        f"/leads/{lead.public_id}/convert/",
        {"create_opportunity": "on", "opportunity_name": "收银机", "amount": "5000"},
    )
    contact = Contact.objects.get()
    assert converted["Location"] == f"/contacts/{contact.public_id}/"
    assert Opportunity.objects.get().name == "收银机"
    again = client.post(f"/leads/{lead.public_id}/convert/", {})
    assert again.status_code == 302
    assert Contact.objects.count() == 1


def test_refused_input_keeps_the_form(people: Any) -> None:
    client = _client(people.owner)
    page = client.post("/leads/", {"name": "王芳", "phone": "12"})
    assert page.status_code == 200
    assert Lead.objects.count() == 0
    assert "王芳" in page.content.decode()


def test_status_change_with_stale_version_is_refused(people: Any) -> None:
    lead = lead_create(actor=people.owner, name="王芳", phones=["13800138000"])
    client = _client(people.owner)
    path = f"/leads/{lead.public_id}/status/"
    client.post(path, {"status": "working", "version": 1})
    client.post(path, {"status": "qualified", "version": 1})
    lead.refresh_from_db()
    assert (lead.status, lead.version) == ("working", 2)


def test_private_lead_is_hidden_and_read_only_lead_is_not_changed(people: Any) -> None:
    private = lead_create(
        actor=people.owner, name="秘密", phones=["13800138000"], visibility="owner"
    )
    shared = lead_create(actor=people.owner, name="公开", phones=["13900139000"])
    outsider = _client(people.outsider)
    assert outsider.get(f"/leads/{private.public_id}/").status_code == 404
    assert "秘密" not in outsider.get("/leads/").content.decode()
    outsider.post(f"/leads/{shared.public_id}/status/", {"status": "working", "version": 1})
    shared.refresh_from_db()
    assert shared.status == "new"
    assert Client().get("/leads/").status_code == 302


def test_board_moves_a_card(people: Any) -> None:
    pipeline = ensure_default_pipeline(people.org.pk)
    # Created in the language of the day (Chinese here); administrators may rename them.
    stages = {stage.name: stage for stage in pipeline.stages.all()}
    assert list(stages) == ["初步接触", "资格确认", "需求分析", "方案报价", "谈判", "赢单", "输单"]
    deal = opportunity_create(actor=people.owner, name="门店收银", amount="8800")
    client = _client(people.owner)
    html = client.get("/opportunities/").content.decode()
    assert "门店收银" in html and "¥8,800.00" in html
    moved = client.post(
        f"/opportunities/{deal.public_id}/move/",
        {"stage": stages["方案报价"].pk, "version": 1},
    )
    assert moved.status_code == 302
    deal.refresh_from_db()
    assert (deal.stage.name, deal.version) == ("方案报价", 2)
    _client(people.outsider).post(
        f"/opportunities/{deal.public_id}/move/", {"stage": stages["赢单"].pk, "version": 2}
    )
    deal.refresh_from_db()
    assert deal.stage.name == "方案报价"


def test_pool_pages_mask_then_claim(people: Any) -> None:
    from django.utils import timezone

    from guanxi.sales.services.pools import pool_create

    pool = pool_create(actor=people.admin, name="公海", is_default=True)
    lead = lead_create(actor=people.owner, name="王芳", phones=["13800138000"])
    Lead.objects.filter(pk=lead.pk).update(pool=pool, pooled_at=timezone.now())
    client = _client(people.teammate)
    listed = client.get("/leads/", {"pool": "1"}).content.decode()
    assert "+86138****8000" in listed and "138 0013 8000" not in listed
    detail = client.get(f"/leads/{lead.public_id}/").content.decode()
    assert "+86138****8000" in detail and "认领" in detail
    client.post(f"/leads/{lead.public_id}/claim/")
    lead.refresh_from_db()
    assert (lead.owner, lead.pool) == (people.teammate, None)
    assert "138 0013 8000" in client.get(f"/leads/{lead.public_id}/").content.decode()
    client.post(f"/leads/{lead.public_id}/lock/", {"locked": "1"})
    lead.refresh_from_db()
    assert lead.locked is True
    client.post(f"/leads/{lead.public_id}/release/")
    lead.refresh_from_db()
    assert (lead.pool, lead.locked) == (pool, False)


def test_forecast_page(people: Any) -> None:
    from guanxi.sales.views.forecast import current_quarter

    opportunity_create(actor=people.owner, name="门店收银", amount="8800")
    client = _client(people.owner)
    page = client.get("/forecast/")
    html = page.content.decode()
    assert page.status_code == 200
    assert current_quarter() in html and "各阶段赢率" in html
    assert client.get("/forecast/", {"period": "2026-Q9"}).status_code == 422


def test_today_work_bench(people: Any) -> None:
    import datetime

    from django.utils import timezone

    from guanxi.customers.services.contacts import contact_create
    from guanxi.sales.services.commitments import commitment_create
    from guanxi.sales.services.pools import pool_create

    client = _client(people.owner)
    assert "没有待办" in client.get("/today/").content.decode()
    pool_create(actor=people.admin, name="公海", is_default=True, return_after_days=10)
    lead_create(actor=people.owner, name="新线索", phones=["13800138000"])
    old = lead_create(actor=people.owner, name="快回收", phones=["13900139000"])
    Lead.objects.filter(pk=old.pk).update(
        status="working", followed_up_at=timezone.now() - datetime.timedelta(days=9)
    )
    customer = contact_create(actor=people.owner, name="王芳", phones=["13700137000"])
    commitment_create(
        actor=people.teammate,
        contact=customer,
        description="寄样品",
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    opportunity_create(
        actor=people.owner, name="本周成交", amount="100", expected_close=timezone.localdate()
    )
    html = client.get("/today/").content.decode()
    assert "新线索" in html and "快回收" in html and "本周成交" in html
    assert "寄样品" not in html  # a teammate's promise: not mine, and I manage no team
    managed = _client(people.manager).get("/today/").content.decode()
    assert "寄样品" in managed
