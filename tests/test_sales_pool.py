"""The customer pool: unattended leads go back, masked; reps claim within their caps; the last
owner waits before claiming again; locked leads stay; every move is on the lead's record."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from guanxi.platform.models import AuditEvent
from guanxi.platform.notifications.models import Notification
from guanxi.sales.models import Lead
from guanxi.sales.notifications import warn_returning_leads
from guanxi.sales.services.conversion import lead_convert
from guanxi.sales.services.leads import lead_create
from guanxi.sales.services.pools import leads_return_to_pools, pool_create

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}
DAY = datetime.timedelta(days=1)


@pytest.fixture
def pool(people: Any) -> Any:
    return pool_create(
        actor=people.admin,
        name="华东公海",
        teams=[people.team],
        return_after_days=10,
        warn_days_before=2,
        daily_claim_cap=2,
        owned_cap=5,
        reclaim_after_days=3,
        lock_quota=1,
    )


def _lead(people: Any, name: str = "王芳", days_ago: int = 0, **extra: Any) -> Lead:
    lead = lead_create(actor=people.owner, name=name, phones=["13800138000"], **extra)
    then = timezone.now() - days_ago * DAY
    Lead.objects.filter(pk=lead.pk).update(followed_up_at=then)
    lead.refresh_from_db()
    return lead


def test_unattended_leads_return_and_are_masked(people: Any, api_for: Any, pool: Any) -> None:
    stale = _lead(people, "王芳", days_ago=11)
    fresh = _lead(people, "李雷", days_ago=3)
    locked = _lead(people, "赵敏", days_ago=30)
    api = api_for(people.owner)
    assert api.post(f"/api/v1/leads/{locked.public_id}/lock", {"locked": True}).status_code == 200
    converted = _lead(people, "钱多", days_ago=30)
    lead_convert(actor=people.owner, lead=converted)

    assert leads_return_to_pools(timezone.now()) == 1
    stale.refresh_from_db()
    assert (stale.pool, stale.owner) == (pool, people.owner)
    body = api.get(f"/api/v1/leads/{stale.public_id}").json()
    assert (body["in_pool"], body["pool"], body["phones"]) == (True, "华东公海", ["+86138****8000"])
    assert api.get(f"/api/v1/leads/{fresh.public_id}").json()["phones"] == ["+8613800138000"]
    event = AuditEvent.objects.get(verb="sales.lead.returned")
    assert (event.target_id, event.actor) == (stale.pk, None)
    # Nobody works on a lead in the pool without claiming it.
    edit = api.patch(f"/api/v1/leads/{stale.public_id}", {"title": "x", "version": 2}, **EN)
    assert (edit.status_code, edit.json()["detail"]) == (
        409,
        "This lead is in the pool: claim it first.",
    )


def test_claiming(people: Any, api_for: Any, pool: Any) -> None:
    lead = _lead(people, days_ago=11)
    leads_return_to_pools(timezone.now())
    path = f"/api/v1/leads/{lead.public_id}/claim"
    mine_again = api_for(people.owner).post(path, **EN)
    assert mine_again.status_code == 409
    assert mine_again.json()["detail"].startswith(
        "You let this go to the pool; you may claim it again from"
    )
    assert api_for(people.outsider).post(path, **EN).status_code == 403  # not a member team
    assert api_for(people.reader).post(path).status_code == 403
    assert api_for(None).post(path).status_code == 401
    taken = api_for(people.teammate).post(path)
    assert taken.status_code == 200, taken.content
    assert (taken.json()["owner"], taken.json()["in_pool"], taken.json()["phones"]) == (
        "teammate",
        False,
        ["+8613800138000"],
    )
    again = api_for(people.manager).post(path, **EN)
    assert (again.status_code, again.json()["detail"]) == (
        409,
        "This lead is not in the pool: someone has claimed it.",
    )
    event = AuditEvent.objects.get(verb="sales.lead.claimed")
    assert event.changes["owner"] == {"before": "owner", "after": "teammate"}


def test_daily_and_owned_caps(people: Any, api_for: Any, pool: Any) -> None:
    leads = [_lead(people, f"客户{i}", days_ago=11) for i in range(3)]
    leads_return_to_pools(timezone.now())
    api = api_for(people.teammate)
    assert [api.post(f"/api/v1/leads/{lead.public_id}/claim").status_code for lead in leads] == [
        200,
        200,
        409,
    ]
    refused = api.post(f"/api/v1/leads/{leads[2].public_id}/claim", **EN)
    assert refused.json()["detail"] == "You have claimed 2 times today, the most this pool allows."
    for i in range(5):
        lead_create(actor=people.manager, name=f"经理的{i}", phones=[f"1390000000{i}"])
    full = api_for(people.manager).post(f"/api/v1/leads/{leads[2].public_id}/claim", **EN)
    assert full.json()["detail"] == "You already own 5 open leads, the most this pool allows."


def test_release_and_lock_quota(people: Any, api_for: Any, pool: Any) -> None:
    first, second = _lead(people, "甲"), _lead(people, "乙")
    api = api_for(people.owner)
    assert api.post(f"/api/v1/leads/{first.public_id}/lock", {"locked": True}).status_code == 200
    over = api.post(f"/api/v1/leads/{second.public_id}/lock", {"locked": True}, **EN)
    assert (over.status_code, over.json()["detail"]) == (
        409,
        "The owner has locked 1 leads and customers already, the most this pool allows.",
    )
    assert (
        api_for(people.outsider).post(f"/api/v1/leads/{second.public_id}/release").status_code
        == 403
    )
    released = api.post(f"/api/v1/leads/{second.public_id}/release")
    assert (released.status_code, released.json()["in_pool"]) == (200, True)
    assert api.post(f"/api/v1/leads/{second.public_id}/release").status_code == 409


def test_owners_are_warned_before_a_lead_returns(people: Any, pool: Any) -> None:
    _lead(people, "快到期", days_ago=9)
    _lead(people, "还早", days_ago=5)
    now = timezone.now()
    assert warn_returning_leads(now, None) == 1
    note = Notification.objects.get(kind="sales.lead_returning")
    assert (note.recipient, note.params["lead"]) == (people.owner, "快到期")
    assert warn_returning_leads(now, None) == 0


def test_pools_are_for_administrators(people: Any, api_for: Any) -> None:
    body = {"name": "华南公海", "teams": ["South"], "return_after_days": 7}
    created = api_for(people.admin).post("/api/v1/pools", body)
    assert created.status_code == 201, created.content
    assert (created.json()["teams"], created.json()["return_after_days"]) == (["South"], 7)
    assert api_for(people.manager).post("/api/v1/pools", body).status_code == 403
    missing = api_for(people.admin).post("/api/v1/pools", {"name": "x", "teams": ["Nowhere"]})
    assert missing.status_code == 404
    assert (
        api_for(people.admin).post("/api/v1/pools", {"name": "x", "owned_cap": -1}).status_code
        == 422
    )
