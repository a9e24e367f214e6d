"""Customers in the pool (公海): the pool's rules send unattended contacts and accounts back; while
they wait, nobody but an administrator sees them except through the pool's masked list; reps
claim them within the caps, the last owner waits, a lock keeps a key customer, and every move is
audited on the customer's timeline."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from guanxi.commerce.services.orders import order_create
from guanxi.core.errors import ConflictError
from guanxi.customers import selectors as customer_selectors
from guanxi.customers.models import Account, Contact, CustomerScore
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.activities import activity_create
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.merge import contact_merge
from guanxi.platform.models import AuditEvent
from guanxi.platform.notifications.models import Notification
from guanxi.sales.models import PoolClaim, PooledCustomer, PoolRule
from guanxi.sales.notifications import warn_returning_customers
from guanxi.sales.pool_clock import returns_on
from guanxi.sales.services.leads import lead_create
from guanxi.sales.services.opportunities import opportunity_create
from guanxi.sales.services.pool_customers import (
    customer_set_locked,
    customers_return_to_pools,
)
from guanxi.sales.services.pools import pool_create

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}
DAY = datetime.timedelta(days=1)
FOLLOW_UP_30 = {"kind": "follow_up", "days": 30}


def _pool(people: Any, rules: list[dict[str, Any]], **settings: Any) -> Any:
    values = {
        "return_after_days": 10,
        "warn_days_before": 3,
        "daily_claim_cap": 2,
        "customer_cap": 50,
        "reclaim_after_days": 5,
        "lock_quota": 1,
        **settings,
    }
    pool = pool_create(
        actor=people.admin, name="华东公海", teams=[people.team], customer_rules=rules, **values
    )
    # The rules were set long ago: their own start does not hold the customers back.
    PoolRule.objects.filter(pool=pool).update(created_at=timezone.now() - 365 * DAY)
    return pool


@pytest.fixture
def pool(people: Any) -> Any:
    return _pool(people, [FOLLOW_UP_30, {"kind": "follow_up", "level": "E", "days": 90}])


def _aged(record: Any, days: float) -> Any:
    type(record).objects.filter(pk=record.pk).update(created_at=timezone.now() - days * DAY)
    record.refresh_from_db()
    return record


def _contact(people: Any, name: str, days: float, owner: Any = None, **extra: Any) -> Contact:
    actor = owner or people.owner
    contact = contact_create(actor=actor, name=name, phones=["13800138000"], **extra)
    return _aged(contact, days)


def _level(contact: Contact, cell: str) -> None:
    now = timezone.now()
    CustomerScore.objects.create(
        contact=contact, org_id=contact.org_id, as_of=now.date(), refreshed_at=now, grid_cell=cell
    )


def _pooled_names() -> list[str]:
    return sorted(entry.customer.name for entry in PooledCustomer.objects.all())  # type: ignore[attr-defined]


def test_the_rules_send_unattended_customers_back(people: Any, pool: Any) -> None:
    stale = _contact(people, "久未联系", 40)
    followed = _contact(people, "上周联系", 40)
    activity_create(
        actor=people.owner,
        kind="call",
        subject="回访",
        contact=followed,
        occurred_at=timezone.now() - 10 * DAY,
    )
    _contact(people, "新客户", 5)
    valued = _contact(people, "金牌老客", 40)
    _level(valued, "E")
    lapsed = _contact(people, "金牌沉睡", 100)
    _level(lapsed, "E")
    kept = _contact(people, "锁定客户", 40)
    customer_set_locked(actor=people.owner, record=kept, locked=True)
    dealing = _contact(people, "商谈中", 40)
    opportunity_create(actor=people.owner, name="在谈", contact=dealing)
    _contact(people, "别队客户", 40, owner=people.outsider)  # the other team has no pool
    company = _aged(account_create(actor=people.owner, name="沉睡公司"), 40)

    now = timezone.now()
    assert customers_return_to_pools(now) == 3
    assert _pooled_names() == ["久未联系", "沉睡公司", "金牌沉睡"]
    stale.refresh_from_db()
    assert (stale.pooled_at, stale.owner) == (now, people.owner)
    entry = PooledCustomer.objects.get(contact=stale)
    assert (entry.pool, entry.previous_owner, entry.released) == (pool, people.owner, False)
    events = AuditEvent.objects.filter(verb="sales.customer.returned").order_by("pk")
    assert [(e.target_id, e.actor_id) for e in events] == [
        (stale.pk, None),
        (lapsed.pk, None),
        (company.pk, None),
    ]
    assert events[0].changes == {"pool": {"before": None, "after": "华东公海"}}
    assert customers_return_to_pools(now) == 0  # nobody returns twice


def test_rules_on_opportunities_and_deals_and_the_exemptions(people: Any) -> None:
    _pool(
        people,
        [{"kind": "opportunity", "days": 30}, {"kind": "deal", "days": 60}],
        exempt_open_opportunity=False,
        exempt_won_deal=True,
    )
    _contact(people, "无商机", 40)
    recent_deal = _contact(people, "新商机", 40)
    opportunity_create(actor=people.owner, name="刚开", contact=recent_deal)
    # An opportunity a while ago keeps it from the 30-day rule, not from the 60-day one.
    old_deal = _contact(people, "旧商机", 90)
    opened = opportunity_create(actor=people.owner, name="旧", contact=old_deal)
    type(opened).objects.filter(pk=opened.pk).update(created_at=timezone.now() - 20 * DAY)
    buyer = _contact(people, "买过的", 90)
    order_create(
        actor=people.admin,
        contact=buyer,
        ordered_at=timezone.now() - 200 * DAY,
        amount=Decimal("99.00"),
    )
    assert customers_return_to_pools(timezone.now()) == 2
    assert _pooled_names() == ["无商机", "旧商机"]


def test_a_new_rule_counts_from_the_day_it_was_set(people: Any) -> None:
    pool = pool_create(
        actor=people.admin, name="新规", teams=[people.team], customer_rules=[FOLLOW_UP_30]
    )
    old = _contact(people, "老客户", 400)
    assert customers_return_to_pools(timezone.now()) == 0
    rule = PoolRule.objects.get(pool=pool)
    assert returns_on(pool, old) == rule.created_at + 30 * DAY
    # Later, with nothing done, it goes.
    assert customers_return_to_pools(timezone.now() + 31 * DAY) == 1


def test_a_pooled_customer_is_withheld_and_the_pool_shows_it_masked(
    people: Any, api_for: Any, pool: Any
) -> None:
    stale = _contact(people, "久未联系", 40, emails=["wang@example.com"])
    customers_return_to_pools(timezone.now())
    path = f"/api/v1/contacts/{stale.public_id}"
    for user in (people.owner, people.teammate, people.manager, people.outsider):
        assert api_for(user).get(path).status_code == 404, user.username
        found = customer_selectors.contacts_visible_to(user).filter(pk=stale.pk)
        assert not found.exists()
    assert api_for(people.admin).get(path).status_code == 200

    listing = f"/api/v1/pools/{pool.public_id}/customers"
    body = api_for(people.teammate).get(listing).json()
    assert body["next_cursor"] is None
    [row] = body["items"]
    assert row | {"pooled_at": None} == {
        "kind": "contact",
        "id": str(stale.public_id),
        "name": "久未联系",
        "province": "",
        "city": "",
        "phones": ["+86138****8000"],
        "level": "",
        "pool": "华东公海",
        "pooled_at": None,
        "released": False,
        "previous_owner": "owner",
        "may_claim": True,
        "claimable_from": None,
    }
    mine = api_for(people.owner).get(listing).json()["items"][0]
    assert mine["may_claim"] is False
    assert mine["claimable_from"] is not None
    assert api_for(people.outsider).get(listing).json()["items"] == []
    assert api_for(None).get(listing).status_code == 401


def test_claiming_a_customer(people: Any, api_for: Any, pool: Any) -> None:
    stale = _contact(people, "久未联系", 40)
    customers_return_to_pools(timezone.now())
    path = f"/api/v1/contacts/{stale.public_id}/claim"
    mine_again = api_for(people.owner).post(path, **EN)
    assert mine_again.status_code == 409
    assert mine_again.json()["detail"].startswith(
        "You let this go to the pool; you may claim it again from"
    )
    assert api_for(people.outsider).post(path).status_code == 404  # not a pool of theirs
    assert api_for(people.reader).post(path).status_code == 403
    assert api_for(None).post(path).status_code == 401
    taken = api_for(people.teammate).post(path)
    assert taken.status_code == 200, taken.content
    assert {k: taken.json()[k] for k in ("kind", "name", "owner", "in_pool", "locked")} == {
        "kind": "contact",
        "name": "久未联系",
        "owner": "teammate",
        "in_pool": False,
        "locked": False,
    }
    shown = api_for(people.teammate).get(f"/api/v1/contacts/{stale.public_id}").json()
    assert shown["phones"][0]["number"] == "+8613800138000"
    again = api_for(people.manager).post(path, **EN)
    assert (again.status_code, again.json()["detail"]) == (
        409,
        "This customer is not in the pool: someone has claimed it.",
    )
    assert PooledCustomer.objects.count() == 0
    claim = PoolClaim.objects.get()
    assert (claim.contact, claim.user, claim.lead) == (stale, people.teammate, None)
    # Both moves are on the customer's timeline for its new owner.
    stale.refresh_from_db()
    entries, _cursor = customer_selectors.timeline(people.teammate, stale)
    verbs = [entry.event.verb for entry in entries if entry.event is not None]
    assert verbs[:2] == ["sales.customer.claimed", "sales.customer.returned"]
    claimed = AuditEvent.objects.get(verb="sales.customer.claimed")
    assert claimed.changes == {
        "owner": {"before": "owner", "after": "teammate"},
        "pool": {"before": "华东公海", "after": None},
    }


def test_nobody_takes_a_colleagues_customer_by_claiming_it(
    people: Any, api_for: Any, pool: Any
) -> None:
    owned = _contact(people, "有主客户", 1)
    for user in (people.teammate, people.outsider, people.manager):
        response = api_for(user).post(f"/api/v1/contacts/{owned.public_id}/claim", **EN)
        assert (response.status_code, response.json()["detail"]) == (
            409,
            "This customer is not in the pool: someone has claimed it.",
        )
    private = _contact(people, "私密客户", 1, visibility="owner")
    hidden = api_for(people.outsider).post(f"/api/v1/contacts/{private.public_id}/claim")
    assert hidden.status_code == 404
    owned.refresh_from_db()
    private.refresh_from_db()
    assert (owned.owner, private.owner, owned.version) == (people.owner, people.owner, 1)
    assert PoolClaim.objects.count() == 0


def test_caps_are_shared_with_leads_and_count_customers(
    people: Any, api_for: Any, pool: Any
) -> None:
    customers = [_contact(people, f"客户{i}", 40) for i in range(3)]
    lead = lead_create(actor=people.owner, name="线索", phones=["13700137000"])
    assert customers_return_to_pools(timezone.now()) == 3
    api = api_for(people.teammate)
    claims = [api.post(f"/api/v1/contacts/{c.public_id}/claim", **EN) for c in customers]
    assert [c.status_code for c in claims] == [200, 200, 409]
    assert claims[2].json()["detail"] == (
        "You have claimed 2 times today, the most this pool allows."
    )
    # The manager owns as many customers as the pool allows: no more.
    pool.customer_cap = 2
    pool.save()
    for i in range(2):
        contact_create(actor=people.manager, name=f"经理客户{i}")
    full = api_for(people.manager).post(f"/api/v1/contacts/{customers[2].public_id}/claim", **EN)
    assert (full.status_code, full.json()["detail"]) == (
        409,
        "You already own 2 customers, the most this pool allows.",
    )
    assert lead.pool_id is None


def test_release_lock_and_the_shared_lock_quota(people: Any, api_for: Any, pool: Any) -> None:
    first, second = _contact(people, "甲", 1), _contact(people, "乙", 1)
    company = account_create(actor=people.owner, name="乙公司")
    api = api_for(people.owner)
    locked = api.post(f"/api/v1/contacts/{first.public_id}/lock", {"locked": True})
    assert (locked.status_code, locked.json()["locked"]) == (200, True)
    over = api.post(f"/api/v1/accounts/{company.public_id}/lock", {"locked": True}, **EN)
    assert (over.status_code, over.json()["detail"]) == (
        409,
        "The owner has locked 1 leads and customers already, the most this pool allows.",
    )
    lead = lead_create(actor=people.owner, name="线索", phones=["13700137000"])
    lead_lock = api.post(f"/api/v1/leads/{lead.public_id}/lock", {"locked": True})
    assert lead_lock.status_code == 409
    outsider = api_for(people.outsider).post(f"/api/v1/contacts/{second.public_id}/release")
    assert outsider.status_code == 403
    released = api.post(f"/api/v1/contacts/{second.public_id}/release")
    assert (released.status_code, released.json()["in_pool"]) == (200, True)
    assert PooledCustomer.objects.get(contact=second).released is True
    assert api.post(f"/api/v1/contacts/{second.public_id}/release").status_code == 404
    gone = api.post(f"/api/v1/accounts/{company.public_id}/release")
    assert gone.status_code == 200
    assert [e.verb for e in AuditEvent.objects.filter(verb__startswith="sales.customer")] == [
        "sales.customer.locked",
        "sales.customer.released",
        "sales.customer.released",
    ]
    # An old locked customer stays whatever the rules say.
    _aged(first, 400)
    assert customers_return_to_pools(timezone.now()) == 0
    unlocked = api.post(f"/api/v1/contacts/{first.public_id}/lock", {"locked": False})
    assert unlocked.json()["locked"] is False
    assert customers_return_to_pools(timezone.now()) == 1


def test_owners_are_warned_before_a_customer_returns(people: Any, pool: Any) -> None:
    # Within the 3 warning days of its 30 since half a day; the other not yet.
    soon = _contact(people, "快到期", 27.5)
    _contact(people, "还早", 20)
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    assert warn_returning_customers(now, now - hour) == 0  # it came within them before that
    assert warn_returning_customers(now, now - 13 * hour) == 1
    assert warn_returning_customers(now, now - 13 * hour) == 0  # once per return date
    note = Notification.objects.get(recipient=people.owner)
    day = timezone.localdate(soon.created_at + 30 * DAY).isoformat()
    assert note.params == {"customer": "快到期", "date": day}


def test_a_pooled_customer_is_not_merged_and_a_purge_takes_it_out(people: Any, pool: Any) -> None:
    stale = _contact(people, "久未联系", 40)
    other = _contact(people, "久未联系", 1)
    customers_return_to_pools(timezone.now())
    stale.refresh_from_db()
    with pytest.raises(ConflictError) as refused:
        contact_merge(actor=people.admin, target=other, source=stale)
    assert str(refused.value.message) == (
        "A customer waiting in the pool cannot be merged: claim it first."
    )
    assert PooledCustomer.objects.filter(contact=stale).exists()
    from guanxi.customers.registry import CustomerRef, run_purge

    counts = run_purge(CustomerRef(kind="contact", pk=stale.pk, org_id=stale.org_id))
    assert counts["sales.pool"] == {"deleted": 1}
    assert not PooledCustomer.objects.exists()
    assert Account.objects.count() == 0


def test_the_pool_pages_mask_claim_release_and_lock(people: Any, pool: Any) -> None:
    from django.test import Client

    stale = _contact(people, "久未联系", 40)
    customers_return_to_pools(timezone.now())
    rep = Client()
    rep.force_login(people.teammate)
    listed = rep.get("/pool/").content.decode()
    assert "久未联系" in listed and "+86138****8000" in listed and "138 0013 8000" not in listed
    assert rep.get(f"/contacts/{stale.public_id}/").status_code == 404
    before = Client()
    before.force_login(people.owner)
    assert "您放回的客户" in before.get("/pool/").content.decode()

    claimed = rep.post(f"/pool/contact/{stale.public_id}/claim/")
    assert claimed.status_code == 302 and claimed["Location"] == f"/contacts/{stale.public_id}/"
    page = rep.get(f"/contacts/{stale.public_id}/").content.decode()
    assert "138 0013 8000" in page and "客户公海" in page
    assert "如在" in page and "回收到公海“华东公海”" in page
    assert "公海中没有客户" in rep.get("/pool/").content.decode()

    rep.post(f"/pool/contact/{stale.public_id}/lock/", {"locked": "1"})
    assert (
        "已锁定：此客户不会回收到公海。"
        in rep.get(f"/contacts/{stale.public_id}/").content.decode()
    )
    question = rep.get(f"/pool/contact/{stale.public_id}/release/").content.decode()
    assert "将“久未联系”放回公海？" in question
    stale.refresh_from_db()
    assert stale.pooled_at is None  # asking changed nothing
    assert rep.post(f"/pool/contact/{stale.public_id}/release/").status_code == 302
    stale.refresh_from_db()
    assert stale.pooled_at is not None
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.post(f"/pool/contact/{stale.public_id}/claim/").status_code == 404
    assert outsider.get("/pool/").status_code == 200
    assert rep.post(f"/pool/ticket/{stale.public_id}/claim/").status_code == 404


def test_today_lists_customers_about_to_return(people: Any, pool: Any) -> None:
    from guanxi.sales.today import today_for

    soon = _contact(people, "快到期", 28)
    _contact(people, "还早", 20)
    today = today_for(people.owner)
    assert [(record.name, kind) for record, kind, _when in today.returning_customers] == [
        ("快到期", "contact")
    ]
    assert today.returning_customers[0][2] == soon.created_at + 30 * DAY


def test_only_real_follow_ups_hold_the_clock(people: Any, pool: Any) -> None:
    now = timezone.now()
    planned = _contact(people, "约了下月", 40)
    activity_create(
        actor=people.owner,
        kind="meeting",
        subject="拜访",
        contact=planned,
        occurred_at=now + 30 * DAY,
    )
    open_task = _contact(people, "待办未做", 40)
    activity_create(actor=people.owner, kind="task", subject="回电", contact=open_task)
    done_task = _contact(people, "已回电", 40)
    task = activity_create(actor=people.owner, kind="task", subject="回电", contact=done_task)
    type(task).objects.filter(pk=task.pk).update(done_at=now - DAY)
    assert customers_return_to_pools(now) == 2
    assert _pooled_names() == ["待办未做", "约了下月"]


def test_a_handover_gives_the_new_owner_full_time_and_leaves_the_pool_alone(
    people: Any, pool: Any
) -> None:
    from guanxi.platform.handover import handover_run

    waiting = _contact(people, "已在公海", 40)
    customers_return_to_pools(timezone.now())
    kept = _contact(people, "交接客户", 40)
    handover_run(actor=people.admin, from_user=people.owner, to_users=[people.teammate])
    waiting.refresh_from_db()
    kept.refresh_from_db()
    assert (waiting.owner, waiting.pooled_at is not None) == (people.owner, True)
    assert kept.owner == people.teammate
    assert customers_return_to_pools(timezone.now()) == 0  # a handover restarts the clock
    assert customers_return_to_pools(timezone.now() + 31 * DAY) == 1


def test_stale_locks_do_not_use_the_quota_and_a_pooled_customer_cannot_be_locked(
    people: Any, api_for: Any, pool: Any
) -> None:
    from guanxi.platform.handover import handover_run

    first = _contact(people, "甲", 1)
    customer_set_locked(actor=people.owner, record=first, locked=True)
    handover_run(actor=people.admin, from_user=people.owner, to_users=[people.teammate])
    second = _contact(people, "乙", 1)
    api = api_for(people.owner)
    assert api.post(f"/api/v1/contacts/{second.public_id}/lock", {"locked": True}).json()["locked"]
    stale = _contact(people, "久未联系", 40, owner=people.teammate)
    customers_return_to_pools(timezone.now())
    refused = api_for(people.admin).post(
        f"/api/v1/contacts/{stale.public_id}/lock", {"locked": True}, **EN
    )
    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "Claim the customer before locking it.",
    )


def test_rule_changes_are_audited_and_a_shorter_rule_starts_again(
    people: Any, api_for: Any, pool: Any
) -> None:
    _contact(people, "久未联系", 40)
    api = api_for(people.admin)
    path = f"/api/v1/pools/{pool.public_id}/rules"
    changed = api.put(path, {"customer_rules": [{"kind": "follow_up", "days": 20}]})
    assert changed.status_code == 200, changed.content
    assert [(r["kind"], r["level"], r["days"]) for r in changed.json()["customer_rules"]] == [
        ("follow_up", "", 20)
    ]
    assert customers_return_to_pools(timezone.now()) == 0  # shortened: starts again now
    event = AuditEvent.objects.filter(verb="sales.pool.rules_changed").order_by("pk").last()
    assert event is not None
    assert event.changes == {
        "customer_rules": {
            "before": {"follow_up/*": 30, "follow_up/E": 90},
            "after": {"follow_up/*": 20},
        }
    }
    bad = api.put(path, {"customer_rules": [{"kind": "deal", "days": 0}]}, **EN)
    assert bad.status_code == 422
    twice = [{"kind": "deal", "days": 5}, {"kind": "deal", "days": 6}]
    refused = api.put(path, {"customer_rules": twice}, **EN)
    assert (refused.status_code, refused.json()["errors"]) == (
        422,
        {"customer_rules.1": ["One rule per kind and customer level."]},
    )
    assert api_for(people.owner).put(path, {"customer_rules": []}).status_code == 403
    assert PoolRule.objects.filter(pool=pool).count() == 1


def test_a_converted_lead_does_not_show_a_pooled_customers_phone(
    people: Any, api_for: Any, pool: Any
) -> None:
    from guanxi.sales.services.conversion import lead_convert

    lead = lead_create(actor=people.owner, name="转化客户", phones=["13600136000"])
    done = lead_convert(actor=people.owner, lead=lead)
    _aged(done.contact, 40)
    customers_return_to_pools(timezone.now())
    body = api_for(people.teammate).get(f"/api/v1/leads/{lead.public_id}").json()
    assert body["phones"] == ["+86136****6000"]
    listed = api_for(people.owner).get("/api/v1/leads").json()["items"]
    assert [item["phones"] for item in listed] == [["+86136****6000"]]


def test_a_deleted_customer_leaves_the_pools_list(people: Any, api_for: Any, pool: Any) -> None:
    from guanxi.customers.services.contacts import contact_delete

    stale = _contact(people, "久未联系", 40)
    customers_return_to_pools(timezone.now())
    stale.refresh_from_db()
    contact_delete(actor=people.admin, contact=stale)
    listing = api_for(people.teammate).get(f"/api/v1/pools/{pool.public_id}/customers")
    assert listing.json()["items"] == []
    claim = api_for(people.teammate).post(f"/api/v1/contacts/{stale.public_id}/claim")
    assert claim.status_code == 404


def test_entering_a_pooled_customer_again_is_questioned(people: Any, pool: Any) -> None:
    from django.test import Client

    _contact(people, "久未联系", 40)
    customers_return_to_pools(timezone.now())
    client = Client()
    client.force_login(people.owner)
    form = {"name": "换个名字", "phone_0": "138 0013 8000", "visibility": "org"}
    asked = client.post("/contacts/new/", form)
    assert asked.status_code == 422
    assert "公海中已有使用此电话号码或邮箱的客户" in asked.content.decode()
    assert Contact.objects.filter(name="换个名字").count() == 0
    saved = client.post("/contacts/new/", {**form, "confirm_duplicate": "on"})
    assert saved.status_code == 302
    assert Contact.objects.filter(name="换个名字").count() == 1


def test_a_lead_import_skips_a_customer_waiting_in_the_pool(people: Any, pool: Any) -> None:
    from guanxi.platform.imports.runner import import_run, import_start

    _contact(people, "久未联系", 40)
    customers_return_to_pools(timezone.now())
    data = "姓名,手机\n换个名字,13800138000\n新朋友,13900139000\n".encode("gb18030")
    import io

    batch = import_start(
        actor=people.teammate,
        kind="leads",
        path_or_stream=io.BytesIO(data),
        file_name="cards.csv",
        on_match="skip",
    )
    batch = import_run(batch.pk)
    assert (batch.created, batch.skipped) == (1, 1)


def test_churn_follow_ups_leave_pooled_customers_alone(people: Any, pool: Any) -> None:
    from guanxi.analytics.config import AnalysisConfig
    from guanxi.analytics.services.follow_ups import churn_follow_ups_create

    stale = _contact(people, "久未联系", 40)
    _level(stale, "D")
    CustomerScore.objects.filter(contact=stale).update(churn_reasons=[{"code": "x"}])
    customers_return_to_pools(timezone.now())
    made = churn_follow_ups_create(
        actor=people.admin,
        org_id=people.org.pk,
        as_of=timezone.localdate(),
        config=AnalysisConfig(),
    )
    assert made == 0
