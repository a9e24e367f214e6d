"""The people on a deal with their roles: set and changed through the API by whoever may work
on the deal, never naming a hidden person, following a merged contact and gone with a purged
one; and a deal's time in each stage."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create, contact_delete
from guanxi.customers.services.merge import contact_merge
from guanxi.customers.services.purge import customers_purge_deleted
from guanxi.platform.models import AuditEvent
from guanxi.sales.models import DealContact
from guanxi.sales.services.opportunities import opportunity_create

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}


@pytest.fixture
def deal(people: Any) -> Any:
    account = account_create(actor=people.owner, name="恒通汽车")
    deal = opportunity_create(actor=people.owner, name="经销商系统", account=account)
    deal.boss = contact_create(actor=people.owner, name="赵总", title="总经理", account=account)
    deal.buyer = contact_create(actor=people.owner, name="孙敏", title="采购", account=account)
    return deal


def test_roles_are_set_changed_and_removed(people: Any, api_for: Any, deal: Any) -> None:
    api = api_for(people.owner)
    path = f"/api/v1/opportunities/{deal.public_id}/contacts"
    answer = api.put(f"{path}/{deal.boss.public_id}", {"role": "decision_maker"}, **EN)
    assert answer.status_code == 200, answer.content
    api.put(f"{path}/{deal.buyer.public_id}", {"role": "gatekeeper"}, **EN)
    changed = api.put(f"{path}/{deal.buyer.public_id}", {"role": "influencer"}, **EN).json()
    assert [(p["name"], p["title"], p["role"]) for p in changed["contacts"]] == [
        ("赵总", "总经理", "decision_maker"),
        ("孙敏", "采购", "influencer"),
    ]
    assert api.put(f"{path}/{deal.boss.public_id}", {"role": "boss"}, **EN).status_code == 422
    left = api.delete(f"{path}/{deal.buyer.public_id}", **EN).json()
    assert [p["name"] for p in left["contacts"]] == ["赵总"]
    verbs = AuditEvent.objects.filter(verb__startswith="sales.opportunity.contact_")
    assert verbs.count() == 4  # set, set, changed, removed


def test_who_may_see_and_change_the_people(people: Any, api_for: Any, deal: Any) -> None:
    path = f"/api/v1/opportunities/{deal.public_id}/contacts/{deal.boss.public_id}"
    assert api_for(people.outsider).put(path, {"role": "user"}, **EN).status_code == 403
    assert api_for(people.reader).put(path, {"role": "user"}, **EN).status_code == 403
    assert api_for(None).put(path, {"role": "user"}).status_code == 401
    assert DealContact.objects.count() == 0
    api_for(people.teammate).put(path, {"role": "user"}, **EN)
    secret = contact_create(actor=people.owner, name="私人顾问", visibility="owner")
    owner = api_for(people.owner)
    owner.put(
        f"/api/v1/opportunities/{deal.public_id}/contacts/{secret.public_id}",
        {"role": "influencer"},
        **EN,
    )
    seen_by_teammate = api_for(people.teammate).get(f"/api/v1/opportunities/{deal.public_id}", **EN)
    assert seen_by_teammate.status_code == 200, seen_by_teammate.status_code
    assert [p["name"] for p in seen_by_teammate.json()["contacts"]] == ["赵总"]
    assert "私人顾问" not in seen_by_teammate.content.decode()
    teammate_puts_hidden = api_for(people.teammate).put(
        f"/api/v1/opportunities/{deal.public_id}/contacts/{secret.public_id}",
        {"role": "user"},
        **EN,
    )
    assert teammate_puts_hidden.status_code == 404


def test_people_follow_a_merge_and_go_with_a_purge(people: Any, deal: Any) -> None:
    DealContact.objects.create(opportunity=deal, contact=deal.boss, role="decision_maker")
    twin = contact_create(actor=people.owner, name="赵总 (名片)", account=deal.account)
    other = opportunity_create(actor=people.owner, name="二期", account=deal.account)
    DealContact.objects.create(opportunity=deal, contact=twin, role="user")
    DealContact.objects.create(opportunity=other, contact=twin, role="influencer")
    contact_merge(actor=people.admin, target=deal.boss, source=twin)
    assert sorted(
        DealContact.objects.values_list("opportunity__name", "contact__name", "role")
    ) == [("二期", "赵总", "influencer"), ("经销商系统", "赵总", "decision_maker")]
    contact_delete(actor=people.owner, contact=deal.buyer)
    DealContact.objects.create(opportunity=deal, contact=deal.buyer, role="gatekeeper")
    customers_purge_deleted(actor=people.admin, days=0)
    assert not DealContact.objects.filter(role="gatekeeper").exists()


def test_page_shows_people_and_time_in_stages(people: Any, deal: Any) -> None:
    client = Client()
    client.force_login(people.owner)
    added = client.post(
        f"/opportunities/{deal.public_id}/people/",
        {"contact": str(deal.boss.public_id), "role": "decision_maker"},
    )
    assert added.status_code == 302
    page = client.get(f"/opportunities/{deal.public_id}/", headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert "赵总" in html and "Decision maker" in html and "Time in each stage" in html
    outsider = Client()
    outsider.force_login(people.outsider)
    refused = outsider.post(
        f"/opportunities/{deal.public_id}/people/",
        {"contact": str(deal.buyer.public_id), "role": "user"},
    )
    assert refused.status_code == 302
    assert DealContact.objects.count() == 1


def test_a_private_deal_is_not_named_on_its_companys_timeline(people: Any, deal: Any) -> None:
    from guanxi.customers.selectors import timeline
    from guanxi.platform.selectors import audit_events_visible_to

    secret = opportunity_create(actor=people.owner, name="绝密大单", account=deal.account)
    secret.visibility = "owner"
    secret.save(update_fields=["visibility"])
    DealContact.objects.all().delete()
    from guanxi.sales.services.deal_contacts import deal_contact_set

    deal_contact_set(actor=people.owner, opportunity=secret, contact=deal.boss, role="user")
    # The teammate sees the company and its contact, not the owner-only deal.
    entries, _cursor = timeline(people.teammate, deal.account, limit=50)
    targets = {entry.event.target_id for entry in entries if entry.event}
    assert secret.pk not in targets and deal.pk in targets
    trail = audit_events_visible_to(people.teammate)
    assert not trail.filter(target_type="sales.opportunity", target_id=secret.pk).exists()
    owners_view = audit_events_visible_to(people.owner).filter(target_type="sales.opportunity")
    assert owners_view.filter(target_id=secret.pk).count() == 2
    contact_entries, _cursor = timeline(people.teammate, deal.boss, limit=50)
    assert not [e for e in contact_entries if e.event and e.event.target_id == secret.pk]
