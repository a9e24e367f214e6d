"""Commitments: promises recorded and closed through the API, on the customer's timeline,
overdue ones announced to their owner and the team's managers, handed over with the customer,
and counted as a churn signal when broken."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from guanxi.customers.churn_signals import service_signals
from guanxi.customers.registry import CustomerRef, run_erase, run_purge
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.handover import handover_run
from guanxi.platform.models import AuditEvent
from guanxi.platform.notifications.models import Notification
from guanxi.sales.models import Commitment
from guanxi.sales.notifications import notify_overdue_commitments
from guanxi.sales.services.commitments import commitment_close, commitment_create

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def customer(people: Any) -> Any:
    return contact_create(actor=people.owner, name="王芳", phones=["13800138000"])


def _promise(people: Any, customer: Any, due: datetime.datetime, **extra: Any) -> Any:
    return commitment_create(
        actor=people.owner, contact=customer, description="周五前寄样品", due_at=due, **extra
    )


def test_record_list_and_close_through_the_api(people: Any, api_for: Any, customer: Any) -> None:
    api = api_for(people.owner)
    created = api.post(
        "/api/v1/commitments",
        {
            "contact_id": str(customer.public_id),
            "description": "周五前寄样品",
            "due_at": "2026-12-04T18:00:00+08:00",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["contact_name"], body["owner"], body["status"], body["version"]) == (
        "王芳",
        "owner",
        "open",
        1,
    )
    assert body["due_at"] == "2026-12-04T10:00:00Z" or body["due_at"].startswith("2026-12-04")
    overdue = _promise(people, customer, timezone.now() - datetime.timedelta(hours=1))
    listed = api.get("/api/v1/commitments", {"overdue": "true"}).json()["items"]
    assert [item["id"] for item in listed] == [str(overdue.public_id)]
    assert listed[0]["overdue"] is True
    path = f"/api/v1/commitments/{body['id']}"
    assert api.patch(path, {"status": "kept"}).status_code == 428
    kept = api.patch(path, {"status": "kept", "version": 1})
    assert (kept.status_code, kept.json()["status"], kept.json()["version"]) == (200, "kept", 2)
    again = api.patch(path, {"status": "broken", "version": 2}, **EN)
    assert again.status_code == 422
    verbs = list(
        AuditEvent.objects.filter(subject_type="customers.contact", subject_id=customer.pk)
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-3:] == [
        "sales.commitment.created",
        "sales.commitment.created",
        "sales.commitment.kept",
    ]


def test_bad_input_and_permissions(people: Any, api_for: Any, customer: Any) -> None:
    api = api_for(people.owner)
    for body in (
        {"contact_id": str(customer.public_id), "description": "", "due_at": "2026-12-04"},
        {"contact_id": str(customer.public_id), "description": "x"},
        {"contact_id": "not-a-uuid", "description": "x", "due_at": "2026-12-04T18:00:00+08:00"},
    ):
        assert api.post("/api/v1/commitments", body).status_code == 422, body
    hidden = contact_create(actor=people.outsider, name="秘密", visibility="owner")
    body = {
        "contact_id": str(hidden.public_id),
        "description": "x",
        "due_at": "2026-12-04T18:00:00+08:00",
    }
    assert api.post("/api/v1/commitments", body).status_code == 404
    assert (
        api_for(people.reader)
        .post("/api/v1/commitments", {**body, "contact_id": str(customer.public_id)})
        .status_code
        == 403
    )
    assert api_for(None).get("/api/v1/commitments").status_code == 401
    item = _promise(people, customer, timezone.now() + datetime.timedelta(days=1))
    path = f"/api/v1/commitments/{item.public_id}"
    assert api_for(people.outsider).patch(path, {"status": "kept", "version": 1}).status_code == 403
    assert Commitment.objects.filter(status="open").count() == 1


def test_a_promise_to_a_hidden_customer_is_not_listed(people: Any, api_for: Any) -> None:
    private = contact_create(actor=people.owner, name="秘密", visibility="owner")
    _promise(people, private, timezone.now() + datetime.timedelta(days=1))
    assert api_for(people.outsider).get("/api/v1/commitments").json()["items"] == []
    assert len(api_for(people.owner).get("/api/v1/commitments").json()["items"]) == 1


def test_overdue_promises_are_announced_once(people: Any, customer: Any) -> None:
    now = timezone.now()
    _promise(people, customer, now - datetime.timedelta(minutes=5))
    _promise(people, customer, now + datetime.timedelta(hours=5))
    assert notify_overdue_commitments(now, now - datetime.timedelta(minutes=10)) == 2
    assert sorted(
        Notification.objects.filter(kind="sales.commitment_overdue").values_list(
            "recipient__username", flat=True
        )
    ) == ["manager", "owner"]
    assert notify_overdue_commitments(now, now - datetime.timedelta(minutes=10)) == 0


def test_handover_moves_open_promises(people: Any, customer: Any) -> None:
    open_one = _promise(people, customer, timezone.now() + datetime.timedelta(days=1))
    done = _promise(people, customer, timezone.now() + datetime.timedelta(days=2))
    commitment_close(actor=people.owner, commitment=done, status="kept", version=1)
    result = handover_run(actor=people.manager, from_user=people.owner, to_users=[people.teammate])
    assert result.counts["commitments"] == 1
    open_one.refresh_from_db()
    done.refresh_from_db()
    assert (open_one.owner, done.owner) == (people.teammate, people.owner)


def test_broken_promises_are_a_churn_signal_and_erasure_removes_them(
    people: Any, customer: Any
) -> None:
    item = _promise(people, customer, timezone.now() - datetime.timedelta(days=1))
    commitment_close(actor=people.owner, commitment=item, status="broken", version=1)
    assert service_signals(people.org.pk, [customer.pk]) == {
        customer.pk: [{"code": "broken_promises", "count": 1}]
    }
    # A company's purge leaves promises (they name people) alone.
    assert "sales.commitment" not in run_purge(CustomerRef("account", 999, people.org.pk))
    results = run_erase(CustomerRef("contact", customer.pk, people.org.pk))
    assert results["sales.commitment"] == {"deleted": 1}
    assert Commitment.objects.count() == 0
