"""Which contact a row is: external id, identifier fields, phone, e-mail — in that order, within
the file and among the contacts the importing user may see; an import never matches, links,
updates or names a record its user may not see, and updates only what its user may edit."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.core.errors import PermissionDeniedError
from guanxi.customers.models import Account, Contact, CustomField, CustomIdentifier
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent
from tests.importing_contacts import errors, new_batch, run, undo

pytestmark = pytest.mark.usefixtures("english")
HIDDEN = "“%s” belongs to a customer you cannot see."
READ_ONLY = "This customer is shared with you read-only; ask its owner for write access."


@pytest.fixture
def member_no(people: Any) -> CustomField:
    return CustomField.objects.create(
        org=people.org, entity="contact", key="member_no", label="会员号", kind="identifier"
    )


def hold(contact: Contact, field: CustomField, value: str) -> None:
    CustomIdentifier.objects.create(field=field, contact=contact, value=value)
    contact.custom = {field.key: value}
    contact.save(update_fields=["custom"])


def state(contact: Contact) -> tuple[Any, ...]:
    contact.refresh_from_db()
    return (contact.name, contact.title, contact.version, contact.external_id)


def test_matching_order_external_id_identifier_phone_email(people: Any, member_no: Any) -> None:
    by_id = contact_create(actor=people.owner, name="甲", external_id="C1")
    by_member = contact_create(actor=people.owner, name="乙")
    hold(by_member, member_no, "M1")
    by_phone = contact_create(actor=people.owner, name="丙", phones=["13800138000"])
    by_email = contact_create(actor=people.owner, name="丁", emails=["d@example.com"])
    rows = [
        ({"email": "D@Example.com"}, by_email),
        ({"phone": "138 0013 8000", "email": "d@example.com"}, by_phone),
        ({"custom.member_no": "M1", "phone": "13800138000", "email": "d@example.com"}, by_member),
        ({"external_id": "C1", "phone": "13800138000", "email": "d@example.com"}, by_id),
    ]
    for number, (row, expected) in enumerate(rows):
        result = run(people.owner, [{**row, "title": str(number)}])
        assert (result.updated, result.errors) == (1, [])
        assert [c.target_id for c in result.changes] == [expected.pk]
    titles = dict(Contact.objects.values_list("name", "title"))
    assert titles == {"甲": "3", "乙": "2", "丙": "1", "丁": "0"}
    # Each row added what it brought: 甲 now also has the phone and the e-mail.
    assert list(by_id.phones.values_list("number", flat=True)) == ["+8613800138000"]
    assert list(by_id.emails.values_list("email", flat=True)) == ["d@example.com"]


def test_a_person_twice_in_one_file_is_one_contact(people: Any) -> None:
    result = run(
        people.owner,
        [
            {"name": "张伟", "phone": "13800138000", "title": "经理"},
            {"name": "张伟", "phone": "+86 138-0013-8000", "email": "zw@example.com"},
            {"email": "ZW@example.com", "title": "总监", "city": ""},
            {"name": "张伟", "phone": "13800138000"},
        ],
        on_match="create",
    )
    assert (result.created, result.updated, result.skipped) == (1, 2, 1)
    contact = Contact.objects.get()
    assert (contact.name, contact.title) == ("张伟", "总监")
    assert list(contact.emails.values_list("email", flat=True)) == ["zw@example.com"]
    assert AuditEvent.objects.filter(verb="customers.contact.created").count() == 1


@pytest.mark.parametrize("on_match", ["create", "update", "skip"])
def test_later_chunks_of_the_same_batch_merge_not_duplicate(people: Any, on_match: str) -> None:
    batch = new_batch(people.owner)
    run(people.owner, [{"name": "张伟", "phone": "13800138000"}], batch=batch, on_match=on_match)
    second = run(
        people.owner,
        [{"name": "张伟", "phone": "13800138000", "title": "经理"}],
        batch=batch,
        on_match=on_match,
        first_row=3,
    )
    assert (second.created, second.updated) == (0, 1)
    assert list(Contact.objects.values_list("name", "title")) == [("张伟", "经理")]


def test_on_match_update_skip_create(people: Any) -> None:
    existing = contact_create(actor=people.owner, name="王芳", phones=["13800138000"])
    row = {"name": "王芳", "phone": "13800138000", "title": "店长"}
    skipped = run(people.owner, [row], on_match="skip")
    assert (skipped.skipped, state(existing)) == (1, ("王芳", "", 1, ""))
    updated = run(people.owner, [row], on_match="update")
    assert (updated.updated, state(existing)) == (1, ("王芳", "店长", 2, ""))
    unchanged = run(people.owner, [row], on_match="update")
    assert (unchanged.updated, unchanged.skipped, state(existing)) == (
        0,
        1,
        ("王芳", "店长", 2, ""),
    )
    created = run(people.owner, [row], on_match="create")
    assert created.created == 1
    assert Contact.objects.filter(phones__number="+8613800138000").count() == 2


def test_create_mode_refuses_a_taken_external_id(people: Any) -> None:
    contact_create(actor=people.owner, name="甲", external_id="C1")
    result = run(people.owner, [{"name": "乙", "external_id": "C1"}], on_match="create")
    assert errors(result) == [(2, "external_id", "Another customer already has “C1”.")]
    assert Contact.objects.count() == 1


def test_unique_values_of_two_different_customers_refuse_the_row(
    people: Any, member_no: Any
) -> None:
    first = contact_create(actor=people.owner, name="甲", external_id="C1")
    second = contact_create(actor=people.owner, name="乙")
    hold(second, member_no, "M2")
    result = run(people.owner, [{"external_id": "C1", "custom.member_no": "M2", "title": "x"}])
    assert errors(result) == [(2, "custom.member_no", "Another customer already has “M2”.")]
    assert (state(first), state(second)) == (("甲", "", 1, "C1"), ("乙", "", 1, ""))


def test_hidden_external_id_and_identifier_refused_without_naming(
    people: Any, member_no: Any
) -> None:
    private = contact_create(
        actor=people.owner, name="私人客户", external_id="P1", visibility="owner"
    )
    hold(private, member_no, "M1")
    before = state(private)
    for user in (people.teammate, people.outsider):
        result = run(
            user,
            [
                {"name": "新", "external_id": "P1", "title": "改"},
                {"name": "新二", "custom.member_no": "M1"},
            ],
        )
        assert errors(result) == [
            (2, "external_id", HIDDEN % "P1"),
            (3, "custom.member_no", HIDDEN % "M1"),
        ]
        assert "私人" not in str(result)
    assert state(private) == before
    assert Contact.objects.count() == 1
    # The owner (and the owner's manager) see it and update it.
    assert run(people.manager, [{"external_id": "P1", "title": "改"}]).updated == 1


@pytest.mark.parametrize("user_name", ["teammate", "outsider"])
def test_phone_and_email_of_invisible_contacts_are_no_match(people: Any, user_name: str) -> None:
    private = contact_create(
        actor=people.owner,
        name="私人",
        phones=["13800138000"],
        emails=["p@example.com"],
        visibility="owner",
    )
    user = getattr(people, user_name)
    result = run(user, [{"name": "新客户", "phone": "13800138000", "email": "p@example.com"}])
    assert (result.created, result.updated, result.errors) == (1, 0, [])
    assert state(private) == ("私人", "", 1, "")
    assert Contact.objects.get(name="新客户").owner == user


def test_teammate_updates_a_team_contact(people: Any) -> None:
    contact = contact_create(
        actor=people.owner, name="王芳", phones=["13800138000"], visibility="team"
    )
    result = run(people.teammate, [{"phone": "13800138000", "title": "店长"}])
    assert (result.updated, state(contact)) == (1, ("王芳", "店长", 2, ""))


def test_visible_but_read_only_match_is_refused(people: Any) -> None:
    contact = contact_create(actor=people.owner, name="王芳", phones=["13800138000"])
    result = run(people.outsider, [{"phone": "13800138000", "title": "店长"}])
    assert errors(result) == [(2, "phone", READ_ONLY)]
    assert state(contact) == ("王芳", "", 1, "")
    assert run(people.outsider, [{"phone": "13800138000"}], on_match="skip").skipped == 1
    with pytest.raises(PermissionDeniedError):
        run(people.reader, [{"phone": "13800138000", "title": "店长"}])
    assert state(contact) == ("王芳", "", 1, "")


def test_owner_change_needs_manage_rights(people: Any) -> None:
    contact = contact_create(actor=people.owner, name="王芳", external_id="W1")
    result = run(people.teammate, [{"external_id": "W1", "owner": "teammate"}])
    assert errors(result) == [
        (2, "owner", "Only the owner, their manager or an administrator can change the owner.")
    ]
    assert run(people.manager, [{"external_id": "W1", "owner": "teammate"}]).updated == 1
    contact.refresh_from_db()
    assert contact.owner == people.teammate


def test_company_never_linked_to_an_invisible_account(people: Any) -> None:
    hidden = account_create(actor=people.owner, name="华为", visibility="owner")
    run(people.outsider, [{"name": "新客户", "account": "华为"}])
    contact = Contact.objects.get(name="新客户")
    assert contact.account is not None and contact.account != hidden
    assert contact.account.owner == people.outsider
    assert Account.objects.filter(name="华为").count() == 2


def test_undo_by_another_import_user_leaves_invisible_records(people: Any) -> None:
    private = contact_create(
        actor=people.owner, name="私人", phones=["13800138000"], visibility="owner"
    )
    batch = new_batch(people.outsider)
    run(people.outsider, [{"name": "新客户", "phone": "13800138000"}], batch=batch)
    assert undo(people.outsider, batch) == {"removed": 1, "restored": 0, "kept": 0}
    assert list(Contact.objects.values_list("pk", flat=True)) == [private.pk]
    assert state(private) == ("私人", "", 1, "")
