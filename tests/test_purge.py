"""Deleted customers are removed for good after the 30-day restore window, history kept."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guanxi.customers.models import Account, Activity, Contact
from guanxi.customers.services.accounts import account_create, account_delete
from guanxi.customers.services.activities import activity_create
from guanxi.customers.services.contacts import contact_create, contact_delete
from guanxi.customers.services.purge import customers_purge_deleted
from guanxi.customers.tasks import purge_deleted_customers
from guanxi.platform.models import AuditEvent


def test_purge_removes_only_records_past_the_window(people):
    old = contact_create(actor=people.owner, name="旧客户")
    activity_create(actor=people.owner, kind="note", body="记录", contact=old)
    recent = contact_create(actor=people.owner, name="新删除")
    kept = contact_create(actor=people.owner, name="正常客户")
    account = account_create(actor=people.owner, name="旧公司")
    for record, delete in ((old, contact_delete), (recent, contact_delete)):
        delete(actor=people.owner, contact=record)
    account_delete(actor=people.owner, account=account)
    Contact.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    Account.objects.filter(pk=account.pk).update(deleted_at=timezone.now() - timedelta(days=31))

    assert customers_purge_deleted() == {
        "contacts": 1,
        "accounts": 1,
        "refused": 0,
        "related": {"customers.activity": {"deleted": 1}},
        "refusals": [],
    }
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["新删除", "正常客户"]
    assert Account.objects.count() == 0
    assert Activity.objects.count() == 0
    purged = AuditEvent.objects.get(verb="customers.contact.purged")
    assert (purged.target_id, purged.target_label) == (old.pk, "旧客户")
    assert AuditEvent.objects.filter(target_type="customers.contact", target_id=old.pk).count() == 3
    assert customers_purge_deleted() == {
        "contacts": 0,
        "accounts": 0,
        "refused": 0,
        "related": {},
        "refusals": [],
    }
    assert kept.pk in Contact.objects.values_list("pk", flat=True)


def test_purge_command_and_task(people):
    contact = contact_create(actor=people.owner, name="旧客户")
    contact_delete(actor=people.owner, contact=contact)
    Contact.objects.filter(pk=contact.pk).update(deleted_at=timezone.now() - timedelta(days=40))
    out = StringIO()
    call_command("purge_deleted", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued task ")
    assert DBTaskResult.objects.count() == 1
    assert Contact.objects.count() == 1
    assert purge_deleted_customers.call()["contacts"] == 1
    out = StringIO()
    call_command("purge_deleted", stdout=out)
    assert out.getvalue().strip() == "removed 0 contacts and 0 accounts; refused 0"
