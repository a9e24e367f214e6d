"""Merging two records of one customer: the survivor's values, every related row re-pointed
through the registry, permissions, and undo putting everything back exactly."""

from __future__ import annotations

import datetime
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from guanxi.analytics.models import ChurnFollowUp
from guanxi.commerce.models import Order
from guanxi.commerce.services.orders import order_create
from guanxi.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceValidationError,
    StaleVersionError,
)
from guanxi.customers.models import (
    Account,
    Activity,
    Contact,
    CustomerScore,
    CustomIdentifier,
    DuplicatePair,
    MergeRecord,
)
from guanxi.customers.registry import registered_related_rows
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.activities import activity_create
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.custom_fields import custom_field_add
from guanxi.customers.services.merge import account_merge, contact_merge, merge_undo
from guanxi.platform.models import AuditEvent
from guanxi.platform.services.sharing import collaborator_set

pytestmark = pytest.mark.usefixtures("english")
AT = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)


def _state(*records: Any) -> list[Any]:
    """Everything a merge may change about these records, to compare before and after."""
    rows = []
    for record in records:
        record = type(record).objects.get(pk=record.pk)
        rows.append(
            (
                {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields},
                sorted(t.name for t in record.tags.all()),
            )
        )
        if isinstance(record, Contact):
            rows.append(
                (
                    [(p.number, p.kind) for p in record.phones.all()],
                    [e.email for e in record.emails.all()],
                    sorted(Order.objects.filter(contact=record).values_list("pk", flat=True)),
                    sorted(Activity.objects.filter(contact=record).values_list("pk", flat=True)),
                    list(CustomIdentifier.objects.filter(contact=record).values_list("pk")),
                )
            )
    rows.append(MergeRecord.objects.count())
    return rows


@pytest.fixture
def twins(people: Any) -> Any:
    """One customer written twice, each with related rows in several modules."""
    custom_field_add(actor=people.admin, entity="contact", key="member", kind="identifier",
                     label="会员号")  # fmt: skip
    custom_field_add(actor=people.admin, entity="contact", key="level", kind="text", label="等级")
    company = account_create(actor=people.owner, name="华为")
    target = contact_create(
        actor=people.owner,
        name="张伟",
        phones=["13800138000"],
        emails=["zhang@example.com"],
        tags=["VIP"],
        title="经理",
        visibility="team",
        custom={"level": "金卡"},
    )
    source = contact_create(
        actor=people.owner,
        name="張偉",
        phones=["13900139000", "13800138000"],
        emails=["wei@example.cn"],
        tags=["展会", "VIP"],
        province="广东省",
        city="深圳市",
        title="总监",
        account=company,
        external_id="POS-7",
        custom={"member": "M-001", "level": "银卡"},
    )
    note = activity_create(actor=people.owner, kind="note", body="电话沟通", contact=source)
    order = order_create(
        actor=people.admin, contact=source, ordered_at=AT, amount=Decimal(100), external_id="A-1"
    )
    CustomerScore.objects.create(
        contact=source,
        org=people.org,
        as_of=datetime.date(2026, 3, 1),
        refreshed_at=AT,
        grid_cell="B",
        orders=1,
    )
    follow_up = ChurnFollowUp.objects.create(org=people.org, contact=source, period="2026-03")
    shared = collaborator_set(actor=people.owner, record=source, user=people.outsider)
    return target, source, note, order, follow_up, shared


def test_every_registered_kind_is_covered_here() -> None:
    """A new module's rows must get a merge test too: this list is the registry's."""
    assert sorted(rows.label for rows in registered_related_rows()) == [
        "analytics.churnfollowup",
        "commerce.order",
        "commerce.price_book",  # tests/test_sales_quote_records.py
        "customers.activity",
        "customers.contact",
        "customers.customerscore",
        "platform.recordcollaborator",
        "sales.commitment",  # tests/test_sales_commitments.py
        "sales.dealcontact",  # tests/test_sales_deal_people.py
        "sales.lead",  # tests/test_sales_opportunities_api.py
        "sales.opportunity",
        "sales.pool",  # tests/test_sales_pool_customers.py
        "sales.quote",  # tests/test_sales_quote_records.py
        "sales.visit",  # tests/test_sales_visits.py
    ]
    assert all(rows.on_unmerge is not None for rows in registered_related_rows())


def test_merge_chooses_values_unites_lists_and_moves_every_related_row(
    people: Any, twins: Any
) -> None:
    target, source, note, order, follow_up, shared = twins
    record = contact_merge(
        actor=people.owner,
        target=target,
        source=source,
        chosen={"title": "source", "custom.level": "source"},
        target_version=target.version,
        source_version=source.version,
    )
    target.refresh_from_db()
    source.refresh_from_db()
    assert (target.name, target.title, target.province, target.city, target.account.name) == (
        "张伟",
        "总监",
        "广东省",
        "深圳市",
        "华为",
    )
    assert target.custom == {"level": "银卡", "member": "M-001"}
    assert target.external_id == "POS-7" and source.external_id == ""
    assert [(p.number, p.kind) for p in target.phones.all()] == [
        ("+8613800138000", "mobile"),
        ("+8613900139000", "mobile"),
    ]
    assert [e.email for e in target.emails.all()] == ["zhang@example.com", "wei@example.cn"]
    assert sorted(t.name for t in target.tags.all()) == ["VIP", "展会"]
    assert CustomIdentifier.objects.get(value="M-001").contact_id == target.pk
    assert source.deleted_at is not None
    assert Contact.objects.filter(deleted_at__isnull=True).count() == 1

    note.refresh_from_db()
    order.refresh_from_db()
    follow_up.refresh_from_db()
    shared.refresh_from_db()
    assert (note.contact_id, order.contact_id, follow_up.contact_id) == (target.pk,) * 3
    assert (shared.record_id, CustomerScore.objects.get().contact_id) == (target.pk, target.pk)

    assert record.moved == {
        "analytics.churnfollowup": [follow_up.pk],
        "commerce.order": [order.pk],
        "customers.activity": [note.pk],
        "customers.customerscore": [target.pk],
        "customers.customidentifier": [CustomIdentifier.objects.get(value="M-001").pk],
        "platform.recordcollaborator": [shared.pk],
    }
    assert record.source_snapshot["merged_into"] == {
        "id": target.pk,
        "public_id": str(target.public_id),
    }
    assert record.source_snapshot["phones"] == ["+8613900139000", "+8613800138000"]
    verbs = AuditEvent.objects.filter(verb="customers.contact.merged")
    assert sorted(verbs.values_list("target_id", flat=True)) == sorted([target.pk, source.pk])
    on_target = verbs.get(target_id=target.pk).changes
    assert on_target["merged"] == {"before": None, "after": "張偉"}
    assert on_target["title"] == {"before": "经理", "after": "总监"}
    assert on_target["account"] == {"before": None, "after": "华为"}
    assert on_target["custom.level"] == {"before": "金卡", "after": "银卡"}


def test_undo_restores_both_records_and_every_row_exactly(people: Any, twins: Any) -> None:
    target, source, note, order, follow_up, shared = twins
    before = _state(target, source)
    record = contact_merge(actor=people.owner, target=target, source=source)
    merge_undo(actor=people.owner, record=record)

    after = _state(target, source)
    # Only versions and timestamps moved on; everything else is as it was.
    for state in (before, after):
        for row in state[:-1]:
            if isinstance(row[0], dict):
                for volatile in ("version", "updated_at", "sort_key"):
                    row[0].pop(volatile, None)
    assert after[:-1] == before[:-1]
    note.refresh_from_db()
    order.refresh_from_db()
    follow_up.refresh_from_db()
    shared.refresh_from_db()
    assert (note.contact_id, order.contact_id, follow_up.contact_id) == (source.pk,) * 3
    assert (shared.record_id, CustomerScore.objects.get().contact_id) == (source.pk, source.pk)
    record.refresh_from_db()
    assert record.undone_at is not None
    assert AuditEvent.objects.filter(verb="customers.contact.merge_undone").count() == 2

    with pytest.raises(ConflictError, match="already undone"):
        merge_undo(actor=people.owner, record=record)


def test_undo_keeps_what_changed_since_on_the_survivor(people: Any, twins: Any) -> None:
    from guanxi.customers.services.contacts import contact_update

    target, source, _note, order, *_ = twins
    record = contact_merge(actor=people.owner, target=target, source=source)
    target.refresh_from_db()
    contact_update(actor=people.owner, contact=target, version=target.version, street="天河路")
    later = order_create(actor=people.admin, contact=target, ordered_at=AT, amount=Decimal(5))
    merge_undo(actor=people.owner, record=record)
    target.refresh_from_db()
    order.refresh_from_db()
    later.refresh_from_db()
    assert (target.street, target.province, target.external_id) == ("天河路", "", "")
    assert (order.contact_id, later.contact_id) == (source.pk, target.pk)


def test_undo_is_refused_after_the_restore_window(people: Any, twins: Any) -> None:
    target, source, *_ = twins
    record = contact_merge(actor=people.owner, target=target, source=source)
    MergeRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(days=31))
    record.refresh_from_db()
    with pytest.raises(ServiceValidationError, match="30 days"):
        merge_undo(actor=people.owner, record=record)
    source.refresh_from_db()
    assert source.deleted_at is not None


def test_undo_by_someone_else_than_the_merger_or_an_administrator_is_refused(
    people: Any, twins: Any
) -> None:
    target, source, *_ = twins
    record = contact_merge(actor=people.owner, target=target, source=source)
    with pytest.raises(PermissionDeniedError):
        merge_undo(actor=people.teammate, record=record)
    merge_undo(actor=people.admin, record=record)
    assert Contact.objects.filter(deleted_at__isnull=True).count() == 2


def test_a_stale_version_is_refused_with_409_and_nothing_changes(people: Any, twins: Any) -> None:
    target, source, *_ = twins
    before = _state(target, source)
    with pytest.raises(StaleVersionError) as raised:
        contact_merge(
            actor=people.owner, target=target, source=source, source_version=source.version - 1
        )
    assert raised.value.status == 409
    assert _state(target, source) == before


def test_merging_a_record_into_itself_or_across_kinds_is_refused(people: Any, twins: Any) -> None:
    target, *_ = twins
    with pytest.raises(ServiceValidationError, match="into itself"):
        contact_merge(actor=people.owner, target=target, source=target)
    company = Account.objects.get()
    with pytest.raises(ServiceValidationError, match="same kind"):
        contact_merge(actor=people.owner, target=target, source=company)  # type: ignore[arg-type]
    with pytest.raises(ServiceValidationError, match="Unknown field"):
        contact_merge(
            actor=people.owner, target=target, source=twins[1], chosen={"owner": "source"}
        )


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("teammate", PermissionDeniedError),  # sees and edits, may not delete the source
        ("outsider", NotFoundError),  # sees only the shared source
        ("reader", PermissionDeniedError),
        ("anonymous", PermissionDeniedError),
    ],
)
def test_who_may_not_merge_changes_nothing(
    people: Any, twins: Any, who: str, error: type[Exception]
) -> None:
    target, source, *_ = twins
    before = _state(target, source)
    actor = None if who == "anonymous" else getattr(people, who)
    with pytest.raises(error):
        contact_merge(actor=actor, target=target, source=source)
    assert _state(target, source) == before
    assert not AuditEvent.objects.filter(verb="customers.contact.merged").exists()


def test_the_manager_may_merge_and_the_pair_becomes_merged(people: Any, twins: Any) -> None:
    target, source, *_ = twins
    low, high = sorted([target.pk, source.pk])
    pair = DuplicatePair.objects.create(
        org=people.org, entity="contact", first_id=low, second_id=high, score=0.99,
        decision="certain", explanation=[],
    )  # fmt: skip
    contact_merge(actor=people.manager, target=target, source=source)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == ("merged", people.manager)


def test_account_merge_moves_contacts_orders_and_activities_and_undoes(people: Any) -> None:
    target = account_create(actor=people.owner, name="华为技术", tags=["大客户"])
    source = account_create(
        actor=people.owner, name="华为技术有限公司", industry="通信", tags=["展会"]
    )
    person = contact_create(actor=people.owner, name="李娜", account=source)
    task = activity_create(actor=people.owner, kind="note", body="年度合同", account=source)
    order = order_create(actor=people.admin, contact=person, ordered_at=AT, amount=Decimal(9))
    record = account_merge(actor=people.owner, target=target, source=source)
    for row in (target, person, task, order):
        row.refresh_from_db()
    assert (target.name, target.industry) == ("华为技术", "通信")
    assert sorted(t.name for t in target.tags.all()) == ["大客户", "展会"]
    assert (person.account_id, task.account_id, order.account_id) == (target.pk,) * 3
    assert record.moved == {
        "commerce.order": [order.pk],
        "customers.activity": [task.pk],
        "customers.contact": [person.pk],
    }

    merge_undo(actor=people.owner, record=record)
    for row in (target, person, task, order, source):
        row.refresh_from_db()
    assert (target.industry, source.deleted_at) == ("", None)
    assert sorted(t.name for t in target.tags.all()) == ["大客户"]
    assert (person.account_id, task.account_id, order.account_id) == (source.pk,) * 3


def test_a_company_the_actor_may_not_see_is_not_taken(people: Any) -> None:
    from guanxi.customers.services.accounts import account_update

    hidden = account_create(actor=people.outsider, name="保密公司")
    target = contact_create(actor=people.owner, name="王芳")
    source = contact_create(actor=people.owner, name="王芳", account=hidden, account_role="")
    account_update(actor=people.outsider, account=hidden, version=hidden.version, visibility="owner")
    record = contact_merge(actor=people.owner, target=target, source=source)
    target.refresh_from_db()
    assert target.account_id is None
    assert "account" not in record.target_before
    assert record.source_snapshot["account_id"] == hidden.pk
