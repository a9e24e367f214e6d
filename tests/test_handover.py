"""Handover: a manager moves everything a leaving rep owns, in one audited step."""

from __future__ import annotations

import pytest
from django.test import Client

from guanxi.customers.models import Account, Activity, Contact
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.activities import activity_create, activity_set_done
from guanxi.customers.services.contacts import contact_create, contact_delete
from guanxi.platform import handover as handover_module
from guanxi.platform.models import AuditEvent
from guanxi.platform.services.users import team_set_managers, user_create, user_set_active

PASSWORD = "correct horse battery staple"


@pytest.fixture
def book(people):
    """What the owner (a rep of team East) has: 2 accounts, 3 live contacts, 2 open tasks."""
    acme = account_create(actor=people.owner, name="Acme 有限公司")
    beta = account_create(actor=people.owner, name="Beta 贸易")
    zhang = contact_create(actor=people.owner, name="张伟", account=beta)
    li = contact_create(actor=people.owner, name="李娜")
    wang = contact_create(actor=people.owner, name="王芳")
    gone = contact_create(actor=people.owner, name="已删除")
    contact_delete(actor=people.owner, contact=gone)
    call = activity_create(actor=people.owner, kind="task", subject="回电", contact=li)
    visit = activity_create(actor=people.owner, kind="task", subject="拜访", account=acme)
    done = activity_create(actor=people.owner, kind="task", subject="已完成", contact=wang)
    activity_set_done(actor=people.owner, activity=done, done=True)
    return {
        "acme": acme,
        "beta": beta,
        "zhang": zhang,
        "li": li,
        "wang": wang,
        "gone": gone,
        "call": call,
        "visit": visit,
        "done": done,
    }


def ownership():
    return (
        sorted(Contact.objects.values_list("name", "owner__username", "team__name", "version")),
        sorted(Account.objects.values_list("name", "owner__username", "team__name", "version")),
        sorted(Activity.objects.values_list("subject", "assignee__username", "version")),
    )


def test_preview_counts_what_will_move(people, api_for, book):
    url = f"/api/v1/handovers/preview?from_user={people.owner.public_id}"
    response = api_for(people.manager).get(url)
    assert response.status_code == 200
    assert response.json() == {
        "from_user": str(people.owner.public_id),
        "to_users": [],
        "counts": {
            "accounts": 2,
            "contacts": 3,
            "tasks": 2,
            "leads": 0,
            "opportunities": 0,
            "quotes": 0,
            "commitments": 0,
        },
    }


def test_handover_to_two_colleagues_moves_everything_exactly(people, api_for, book):
    user_set_active(actor=people.admin, user=people.owner, active=False)
    manager = api_for(people.manager)
    preview = manager.get(f"/api/v1/handovers/preview?from_user={people.owner.public_id}")
    last_event = AuditEvent.objects.order_by("pk").last().pk
    response = manager.post(
        "/api/v1/handovers",
        {
            "from_user": str(people.owner.public_id),
            "to_users": [str(people.outsider.public_id), str(people.teammate.public_id)],
        },
    )
    assert response.status_code == 200
    # Targets in id order: teammate (made before outsider) first.
    assert response.json() == {
        "from_user": str(people.owner.public_id),
        "to_users": [str(people.teammate.public_id), str(people.outsider.public_id)],
        "counts": {
            "accounts": 2,
            "contacts": 3,
            "tasks": 2,
            "leads": 0,
            "opportunities": 0,
            "quotes": 0,
            "commitments": 0,
        },
    }
    assert response.json()["counts"] == preview.json()["counts"]

    # Round-robin by id: acme → teammate, beta → outsider; 张伟 follows beta's new owner; then
    # 李娜 → teammate, 王芳 → outsider; tasks follow their customer's new owner.
    assert ownership() == (
        [
            ("已删除", "owner", "East", 2),
            ("张伟", "outsider", "South", 2),
            ("李娜", "teammate", "East", 2),
            ("王芳", "outsider", "South", 2),
        ],
        [("Acme 有限公司", "teammate", "East", 2), ("Beta 贸易", "outsider", "South", 2)],
        [("回电", "teammate", 2), ("已完成", "owner", 2), ("拜访", "teammate", 2)],
    )
    # Nothing left to hand over; the preview says so too.
    again = manager.get(f"/api/v1/handovers/preview?from_user={people.owner.public_id}")
    assert again.json()["counts"] == {
        "accounts": 0,
        "contacts": 0,
        "tasks": 0,
        "leads": 0,
        "opportunities": 0,
        "quotes": 0,
        "commitments": 0,
    }

    verbs = list(
        AuditEvent.objects.filter(pk__gt=last_event).order_by("pk").values_list("verb", flat=True)
    )
    assert len(verbs) == 8
    assert verbs.count("customers.account.handed_over") == 2
    assert verbs.count("customers.contact.handed_over") == 3
    assert verbs.count("customers.activity.handed_over") == 2
    assert verbs[-1] == "platform.handover.completed"
    zhang_event = AuditEvent.objects.get(
        verb="customers.contact.handed_over", target_id=book["zhang"].pk
    )
    assert zhang_event.actor == people.manager
    assert zhang_event.changes == {
        "owner": {"before": "owner", "after": "outsider"},
        "version": {"before": 1, "after": 2},
    }
    summary = AuditEvent.objects.get(verb="platform.handover.completed")
    assert summary.changes == {
        "to_users": {"before": None, "after": ["teammate", "outsider"]},
        "accounts": {"before": 2, "after": 0},
        "contacts": {"before": 3, "after": 0},
        "tasks": {"before": 2, "after": 0},
    }
    call_event = AuditEvent.objects.get(
        verb="customers.activity.handed_over", target_id=book["call"].pk
    )
    assert (call_event.subject_type, call_event.subject_id) == ("customers.contact", book["li"].pk)


def test_a_manager_of_another_team_is_refused_and_nothing_moves(people, api_for, book):
    south_manager = user_create(
        actor=None,
        username="south_manager",
        password=PASSWORD,
        role="manager",
        team=people.other_team,
        check_password=False,
    )
    team_set_managers(actor=None, team=people.other_team, managers=[south_manager])
    api = api_for(south_manager)
    before, audit = ownership(), AuditEvent.objects.count()
    body = {"from_user": str(people.owner.public_id), "to_users": [str(south_manager.public_id)]}
    assert api.post("/api/v1/handovers", body).status_code == 403
    assert (
        api.get(f"/api/v1/handovers/preview?from_user={people.owner.public_id}").status_code == 403
    )
    client = Client()
    client.force_login(south_manager)
    assert client.get(f"/handover/{people.owner.public_id}/").status_code == 403
    page_post = client.post(
        f"/handover/{people.owner.public_id}/", {"to_users": [south_manager.pk], "confirm": "on"}
    )
    assert page_post.status_code == 403
    assert (ownership(), AuditEvent.objects.count()) == (before, audit)


@pytest.mark.parametrize("who", ["teammate", "reader", "outsider"])
def test_reps_may_not_hand_over(people, api_for, book, who):
    before = ownership()
    body = {"from_user": str(people.owner.public_id), "to_users": [str(people.teammate.public_id)]}
    assert api_for(getattr(people, who)).post("/api/v1/handovers", body).status_code == 403
    assert ownership() == before


def test_anonymous_gets_401_and_nothing_moves(people, api_for, book):
    before = ownership()
    body = {"from_user": str(people.owner.public_id), "to_users": [str(people.teammate.public_id)]}
    assert api_for(None).post("/api/v1/handovers", body).status_code == 401
    assert ownership() == before


def test_targets_must_be_active_colleagues(people, api_for, book):
    user_set_active(actor=people.admin, user=people.teammate, active=False)
    before = ownership()
    api = api_for(people.admin)
    for targets in ([people.teammate], [people.owner], []):
        body = {
            "from_user": str(people.owner.public_id),
            "to_users": [str(user.public_id) for user in targets],
        }
        assert api.post("/api/v1/handovers", body).status_code == 422
    assert ownership() == before


def test_the_handover_page_for_a_manager(people, book, english, django_capture_on_commit_callbacks):
    heard = []
    handover_module.AFTER_HANDOVER.append(heard.append)
    try:
        client = Client()
        client.force_login(people.manager)
        start = client.get("/handover/", HTTP_ACCEPT_LANGUAGE="en")
        assert start.status_code == 200
        assert str(people.owner.public_id) in start.content.decode()
        chosen = client.get(f"/handover/?from_user={people.owner.public_id}")
        assert chosen["Location"] == f"/handover/{people.owner.public_id}/"
        preview = client.get(chosen["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "<td>Contacts</td><td>3</td>" in preview
        assert "<td>Open tasks</td><td>2</td>" in preview
        unconfirmed = client.post(chosen["Location"], {"to_users": [people.teammate.pk]})
        assert unconfirmed.status_code == 200
        assert Contact.objects.filter(owner=people.owner, deleted_at__isnull=True).count() == 3
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(
                chosen["Location"],
                {"to_users": [people.teammate.pk], "confirm": "on"},
                HTTP_ACCEPT_LANGUAGE="en",
                follow=True,
            )
        assert "Handed over from owner: Accounts 2, Contacts 3, Open tasks 2." in (
            done.content.decode()
        )
    finally:
        handover_module.AFTER_HANDOVER.remove(heard.append)
    assert Contact.objects.filter(owner=people.teammate).count() == 3
    assert [(r.from_user, r.counts) for r in heard] == [
        (
            people.owner,
            {
                "accounts": 2,
                "contacts": 3,
                "tasks": 2,
                "leads": 0,
                "opportunities": 0,
                "quotes": 0,
                "commitments": 0,
            },
        )
    ]


def test_a_failing_kind_rolls_everything_back(people, book):
    def broken(handover):
        raise RuntimeError("disk full")

    handover_module.register_handover_kind(
        handover_module.HandoverKind(key="broken", label="Broken", count=lambda u: 0, move=broken)
    )
    before, audit = ownership(), AuditEvent.objects.count()
    try:
        with pytest.raises(RuntimeError):
            handover_module.handover_run(
                actor=people.admin, from_user=people.owner, to_users=[people.teammate]
            )
    finally:
        handover_module._KINDS.pop("broken")
    assert (ownership(), AuditEvent.objects.count()) == (before, audit)
