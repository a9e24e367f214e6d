"""Purging a customer removes only what belongs to it alone; other modules decide for their rows
through the customers registry (keep unlinked, re-point, anonymise, refuse)."""

from __future__ import annotations

import datetime
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guanxi.commerce.services.orders import order_create
from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.customers import registry
from guanxi.customers.models import Account, Activity, Contact
from guanxi.customers.registry import CustomerRef, Merge, Refused, RelatedRows
from guanxi.customers.services.accounts import account_create, account_delete
from guanxi.customers.services.activities import activity_create
from guanxi.customers.services.contacts import contact_create, contact_delete
from guanxi.customers.services.purge import customers_purge_deleted
from guanxi.customers.tasks import purge_deleted_customers
from guanxi.platform.models import AuditEvent

pytestmark = pytest.mark.usefixtures("english")
AT = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)


def backdate(record: Any, days: int) -> None:
    type(record).objects.filter(pk=record.pk).update(
        deleted_at=timezone.now() - timedelta(days=days)
    )


@pytest.fixture
def company(people: Any) -> Any:
    """A company with a live contact, a note on each, a company-only task and an order."""
    account = account_create(actor=people.owner, name="华为")
    person = contact_create(actor=people.owner, name="张伟", account=account)
    on_person = activity_create(actor=people.owner, kind="note", body="电话沟通", contact=person)
    on_company = activity_create(actor=people.owner, kind="note", body="年度合同", account=account)
    order = order_create(
        actor=people.admin, contact=person, ordered_at=AT, amount=100, external_id="A-1"
    )
    return account, person, on_person, on_company, order


def test_purging_a_company_keeps_the_notes_and_orders_of_its_live_contacts(
    people: Any, company: Any
) -> None:
    account, person, on_person, _on_company, order = company
    assert (on_person.account_id, order.account_id) == (account.pk, account.pk)
    account_delete(actor=people.owner, account=account)
    backdate(account, 31)

    totals = customers_purge_deleted(actor=people.admin)

    assert totals == {
        "contacts": 0,
        "accounts": 1,
        "refused": 0,
        "related": {
            "commerce.order": {"unlinked": 1},
            "customers.activity": {"deleted": 1, "unlinked": 1},
            "customers.contact": {"unlinked": 1},
        },
        "refusals": [],
    }
    assert not Account.objects.exists()
    kept = Activity.objects.get()
    assert (kept.pk, kept.contact_id, kept.account_id, kept.version) == (
        on_person.pk,
        person.pk,
        None,
        on_person.version + 1,
    )
    person.refresh_from_db()
    assert (person.account_id, person.deleted_at) == (None, None)
    order.refresh_from_db()
    assert (order.contact_id, order.account_id) == (person.pk, None)
    purged = AuditEvent.objects.get(verb="customers.account.purged")
    assert (purged.target_id, purged.target_label, purged.actor_id) == (
        account.pk,
        "华为",
        people.admin.pk,
    )
    assert purged.changes == totals["related"]
    run = AuditEvent.objects.get(verb="customers.purge.finished")
    assert (run.org_id, run.actor_id, run.target_type) == (
        people.org.pk,
        people.admin.pk,
        "platform.organization",
    )
    assert run.changes == {"days": 30, **totals}


def test_purging_a_contact_takes_its_own_notes_and_keeps_the_company_s(
    people: Any, company: Any
) -> None:
    """A person's notes are the person's (the company on them is a copy for the company's
    timeline): they go with the person, so a private person's notes never surface on the
    company's page; the company's own notes and its orders stay."""
    account, person, on_person, on_company, order = company
    alone = contact_create(actor=people.owner, name="李娜")
    activity_create(actor=people.owner, kind="call", body="回访", contact=alone)
    for record in (person, alone):
        contact_delete(actor=people.owner, contact=record)
        backdate(record, 40)

    totals = customers_purge_deleted()

    assert (totals["contacts"], totals["accounts"], totals["related"]) == (
        2,
        0,
        {
            "commerce.order": {"unlinked": 1},
            "customers.activity": {"deleted": 2},
        },
    )
    assert sorted(Activity.objects.values_list("pk", "contact_id", "account_id")) == [
        (on_company.pk, None, account.pk),
    ]
    assert on_person.pk not in set(Activity.objects.values_list("pk", flat=True))
    order.refresh_from_db()
    assert (order.contact_id, order.account_id, order.amount) == (None, account.pk, 100)
    events = AuditEvent.objects.filter(verb="customers.contact.purged").order_by("target_id")
    assert [(e.target_label, e.actor_id, e.changes) for e in events] == [
        (
            "张伟",
            None,
            {"commerce.order": {"unlinked": 1}, "customers.activity": {"deleted": 1}},
        ),
        ("李娜", None, {"customers.activity": {"deleted": 1}}),
    ]


def test_a_refusing_module_keeps_the_record_and_all_its_rows(
    people: Any, company: Any, monkeypatch: Any
) -> None:
    _account, person, on_person, _on_company, order = company
    other = contact_create(actor=people.owner, name="王芳")

    def refuse_for_person(customer: CustomerRef) -> dict[str, int]:
        if customer.pk == person.pk:
            raise Refused("An open loyalty balance of 120 points remains.")
        return {}

    monkeypatch.setitem(
        registry._REGISTRY,
        "tests.balance",
        RelatedRows(
            label="tests.balance",
            on_purge=refuse_for_person,
            on_merge=lambda merge: {},
            on_erase=refuse_for_person,
        ),
    )
    for record in (person, other):
        contact_delete(actor=people.owner, contact=record)
        backdate(record, 31)

    totals = customers_purge_deleted(actor=people.admin)

    reason = "An open loyalty balance of 120 points remains."
    assert totals == {
        "contacts": 1,
        "accounts": 0,
        "refused": 1,
        "related": {},
        "refusals": [{"type": "customers.contact", "id": person.pk, "reason": reason}],
    }
    assert list(Contact.objects.values_list("pk", flat=True)) == [person.pk]
    # The handlers that ran before the refusal were rolled back with it.
    on_person.refresh_from_db()
    order.refresh_from_db()
    assert (on_person.contact_id, order.contact_id) == (person.pk, person.pk)
    assert list(
        AuditEvent.objects.filter(verb="customers.contact.purged").values_list(
            "target_id", flat=True
        )
    ) == [other.pk]
    assert AuditEvent.objects.get(verb="customers.purge.finished").changes["refused"] == 1
    # It is refused again on the next run, and nothing else happens.
    assert customers_purge_deleted()["refused"] == 1
    assert Contact.objects.filter(pk=person.pk).exists()
    with pytest.raises(Refused):
        registry.run_erase(CustomerRef(kind="contact", pk=person.pk, org_id=people.org.pk))


def test_merge_and_erase_hooks(people: Any, company: Any) -> None:
    _account, person, on_person, _on_company, order = company
    twin = contact_create(actor=people.owner, name="张伟 (2)")
    merged = registry.run_merge(
        Merge(
            source=CustomerRef(kind="contact", pk=person.pk, org_id=people.org.pk),
            target=CustomerRef(kind="contact", pk=twin.pk, org_id=people.org.pk),
        )
    )
    assert merged == {"commerce.order": {"repointed": 1}, "customers.activity": {"repointed": 1}}
    on_person.refresh_from_db()
    order.refresh_from_db()
    assert (on_person.contact_id, order.contact_id) == (twin.pk, twin.pk)

    erased = registry.run_erase(CustomerRef(kind="contact", pk=twin.pk, org_id=people.org.pk))
    assert erased == {"commerce.order": {"unlinked": 1}, "customers.activity": {"deleted": 1}}
    order.refresh_from_db()
    assert (order.contact_id, order.amount) == (None, 100)
    assert not Activity.objects.filter(pk=on_person.pk).exists()
    with pytest.raises(ValueError, match="same kind"):
        registry.run_merge(
            Merge(
                source=CustomerRef(kind="contact", pk=twin.pk, org_id=people.org.pk),
                target=CustomerRef(kind="account", pk=twin.pk, org_id=people.org.pk),
            )
        )


def test_deleting_a_customer_outside_the_registry_loses_nothing_unseen(
    people: Any, company: Any
) -> None:
    account = company[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).delete()
    assert Activity.objects.count() == 2 and Account.objects.count() == 1


def test_purge_sooner_with_days_as_an_administrator(people: Any) -> None:
    recent = contact_create(actor=people.owner, name="昨天删除")
    contact_delete(actor=people.owner, contact=recent)
    backdate(recent, 2)
    out = StringIO()
    call_command("purge_deleted", stdout=out)
    assert out.getvalue() == "removed 0 contacts and 0 accounts; refused 0\n"
    call_command("purge_deleted", "--days", "3", "--as", "admin", stdout=StringIO())
    assert Contact.objects.count() == 1

    just_now = contact_create(actor=people.owner, name="刚删除")
    contact_delete(actor=people.owner, contact=just_now)
    out = StringIO()
    call_command("purge_deleted", "--days", "0", stdout=out)
    assert out.getvalue() == "removed 2 contacts and 0 accounts; refused 0\n"
    assert not Contact.objects.exists()
    runs = AuditEvent.objects.filter(verb="customers.purge.finished").order_by("pk")
    assert [(run.actor_id, run.changes["days"], run.changes["contacts"]) for run in runs] == [
        (people.admin.pk, 30, 0),
        (people.admin.pk, 3, 0),
        (people.admin.pk, 0, 2),
    ]


def test_the_command_lists_what_happened_and_queues_with_its_options(
    people: Any, company: Any
) -> None:
    account, person = company[0], company[1]
    account_delete(actor=people.owner, account=account)
    out = StringIO()
    call_command("purge_deleted", "--days", "0", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued task ")
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": [], "kwargs": {"days": 0, "actor_id": people.admin.pk}}
    assert Account.objects.count() == 1
    out = StringIO()
    call_command("purge_deleted", "--days", "0", stdout=out)
    assert out.getvalue().splitlines() == [
        "removed 0 contacts and 1 accounts; refused 0",
        "  commerce.order: unlinked 1",
        "  customers.activity: deleted 1, unlinked 1",
        "  customers.contact: unlinked 1",
    ]
    assert purge_deleted_customers.call(days=0, actor_id=people.admin.pk)["accounts"] == 0
    assert Contact.objects.get().pk == person.pk


@pytest.mark.parametrize("username", ["owner", "teammate", "outsider", "manager", "reader"])
def test_only_administrators_purge(people: Any, username: str) -> None:
    contact = contact_create(actor=people.owner, name="刚删除")
    contact_delete(actor=people.owner, contact=contact)
    events = AuditEvent.objects.count()
    message = "Only administrators may remove deleted customers for good."
    with pytest.raises(CommandError, match=message):
        call_command("purge_deleted", "--days", "0", "--as", username, stdout=StringIO())
    with pytest.raises(CommandError, match=message):
        call_command(
            "purge_deleted", "--days", "0", "--enqueue", "--as", username, stdout=StringIO()
        )
    with pytest.raises(PermissionDeniedError):
        customers_purge_deleted(actor=getattr(people, username), days=0)
    assert Contact.objects.count() == 1
    assert AuditEvent.objects.count() == events and not DBTaskResult.objects.exists()


def test_negative_days_are_refused(people: Any) -> None:
    with pytest.raises(CommandError, match="--days cannot be negative"):
        call_command("purge_deleted", "--days", "-1", stdout=StringIO())
    with pytest.raises(ServiceValidationError) as refused:
        customers_purge_deleted(actor=people.admin, days=-1)
    assert refused.value.field_errors == {"days": ["The number of days cannot be negative."]}
