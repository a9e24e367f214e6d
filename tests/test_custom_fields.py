"""Custom fields: definitions (administrators only), every kind's cleaning, identifier uniqueness
(also for two writers at once), audit wording, values following record edit rights, list
filters, the ``guanxi fields`` command, the postcode, and the demo's two fields."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from guanxi.core.errors import NotFoundError, PermissionDeniedError, ServiceValidationError
from guanxi.customers import selectors
from guanxi.customers.custom_fields import clean_custom_value
from guanxi.customers.models import Contact, CustomField, CustomIdentifier
from guanxi.customers.services import custom_fields as custom_field_services
from guanxi.customers.services.accounts import account_create, account_update
from guanxi.customers.services.contacts import contact_create, contact_update
from guanxi.customers.services.custom_fields import (
    custom_field_add,
    custom_field_archive,
    custom_field_restore,
    custom_field_update,
)
from guanxi.platform.changes import describe_events
from guanxi.platform.models import AuditEvent
from tests.test_races import SharedDatabase, finish, shared_database  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")


def add(actor: Any, key: str, kind: str, label: str, **extra: Any) -> CustomField:
    return custom_field_add(
        actor=actor, entity=extra.pop("entity", "contact"), key=key, kind=kind, label=label, **extra
    )


@pytest.fixture
def fields(people: Any) -> dict[str, CustomField]:
    admin = people.admin
    return {
        "member_no": add(admin, "member_no", "identifier", "会员号"),
        "level": add(admin, "level", "choice", "会员等级", choices=["普通", "金卡", "钻石"]),
        "spend": add(admin, "spend", "number", "Annual spend"),
        "since": add(admin, "since", "date", "Member since"),
        "vip": add(admin, "vip", "bool", "VIP"),
        "note": add(admin, "note", "text", "Note"),
    }


def errors_of(exc: Any) -> dict[str, list[str]]:
    return exc.value.field_errors


# Cleaning, per kind ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("text", "  上海 浦东 ", "上海 浦东"),
        ("identifier", " VIP-0001 ", "VIP-0001"),
        ("number", "1,234.50", "1234.50"),
        ("number", "12", "12"),
        ("number", "-0.5", "-0.5"),
        ("number", "1e3", "1000"),
        ("number", 7, "7"),
        ("date", "2026年1月3日", "2026-01-03"),
        ("date", "19560110", "1956-01-10"),
        ("date", "2026/1/3", "2026-01-03"),
        ("date", datetime.date(2026, 2, 1), "2026-02-01"),
        ("bool", "是", True),
        ("bool", "no", False),
        ("bool", True, True),
        ("choice", " 金卡 ", "金卡"),
        ("text", "   ", None),
        ("number", None, None),
    ],
)
def test_each_kind_is_stored_exactly(
    fields: dict[str, CustomField], kind: str, raw: Any, stored: Any
) -> None:
    by_kind = {field.kind: field for field in fields.values()}
    assert clean_custom_value(by_kind[kind], raw) == stored


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("spend", "abc", "“abc” is not a number."),
        ("spend", "1e40", "Use at most 20 digits before and 10 after the point."),
        ("spend", "NaN", "“NaN” is not a number."),
        ("since", "2026-02-30", "“2026-02-30” is not a date."),
        ("vip", "maybe", "Write yes or no (是 / 否)."),
        ("level", "银卡", "Choose one of: 普通, 金卡, 钻石."),
        ("member_no", "x" * 101, "At most 100 characters."),
        ("note", "x" * 501, "At most 500 characters."),
    ],
)
def test_bad_values_are_refused_on_their_field(
    people: Any, fields: dict[str, CustomField], key: str, raw: Any, message: str
) -> None:
    with pytest.raises(ServiceValidationError) as exc:
        contact_create(actor=people.owner, name="张伟", custom={key: raw})
    assert errors_of(exc) == {f"custom.{key}": [message]}
    assert Contact.objects.count() == 0


def test_values_are_written_merged_and_removed(people: Any, fields: dict[str, CustomField]) -> None:
    contact = contact_create(
        actor=people.owner,
        name="张伟",
        postcode="200120",
        custom={"member_no": "M-1", "level": "金卡", "spend": "99.9", "vip": "是"},
    )
    assert contact.custom == {"member_no": "M-1", "level": "金卡", "spend": "99.9", "vip": True}
    assert contact.postcode == "200120"

    contact = contact_update(
        actor=people.owner,
        contact=contact,
        version=contact.version,
        custom={"since": "2026/1/3", "spend": "", "vip": None},
    )
    contact.refresh_from_db()
    assert contact.custom == {"member_no": "M-1", "level": "金卡", "since": "2026-01-03"}
    assert contact.version == 2
    assert list(CustomIdentifier.objects.values_list("value", "contact_id", "account_id")) == [
        ("M-1", contact.pk, None)
    ]


def test_unknown_and_archived_keys_are_refused(people: Any, fields: dict[str, CustomField]) -> None:
    with pytest.raises(ServiceValidationError) as exc:
        contact_create(actor=people.owner, name="张伟", custom={"shoe_size": "42"})
    assert errors_of(exc) == {"custom.shoe_size": ["No custom field “shoe_size”."]}
    custom_field_archive(actor=people.admin, field=fields["note"])
    with pytest.raises(ServiceValidationError) as exc:
        contact_create(actor=people.owner, name="张伟", custom={"note": "x"})
    assert errors_of(exc) == {"custom.note": ["No custom field “note”."]}
    # An account field is not a contact field.
    add(people.admin, "tax_no", "identifier", "税号", entity="account")
    with pytest.raises(ServiceValidationError):
        contact_create(actor=people.owner, name="张伟", custom={"tax_no": "1"})
    assert Contact.objects.count() == 0


def test_a_removed_choice_survives_edits_of_other_fields(
    people: Any, fields: dict[str, CustomField]
) -> None:
    contact = contact_create(actor=people.owner, name="张伟", custom={"level": "钻石"})
    custom_field_update(actor=people.admin, field=fields["level"], choices=["普通", "金卡"])
    contact = contact_update(
        actor=people.owner,
        contact=contact,
        version=contact.version,
        custom={"level": "钻石", "note": "老客户"},
    )
    assert contact.custom == {"level": "钻石", "note": "老客户"}
    with pytest.raises(ServiceValidationError):
        contact_create(actor=people.owner, name="王芳", custom={"level": "钻石"})


# Identifiers -----------------------------------------------------------------------------------


def test_an_identifier_held_by_another_customer_is_refused(
    people: Any, fields: dict[str, CustomField]
) -> None:
    first = contact_create(
        actor=people.owner, name="张伟", visibility="owner", custom={"member_no": "M-1"}
    )
    with pytest.raises(ServiceValidationError) as exc:
        contact_create(actor=people.owner, name="王芳", custom={"member_no": "M-1"})
    assert errors_of(exc) == {"custom.member_no": ["Already used by another customer, “张伟”."]}
    # Someone who may not see the holder is not told who it is.
    with pytest.raises(ServiceValidationError) as exc:
        contact_create(actor=people.outsider, name="王芳", custom={"member_no": "M-1"})
    assert errors_of(exc) == {"custom.member_no": ["Already used by another customer."]}
    assert Contact.objects.count() == 1

    second = contact_create(actor=people.owner, name="王芳", custom={"member_no": "M-2"})
    with pytest.raises(ServiceValidationError):
        contact_update(actor=people.owner, contact=second, version=1, custom={"member_no": "M-1"})
    second.refresh_from_db()
    assert second.custom == {"member_no": "M-2"}
    # Freed values may be taken; keeping one's own value is no conflict.
    contact_update(actor=people.owner, contact=first, version=1, custom={"member_no": "M-9"})
    contact_update(actor=people.owner, contact=second, version=1, custom={"member_no": "M-1"})
    contact_update(actor=people.owner, contact=second, version=2, custom={"member_no": "M-1"})
    held = CustomIdentifier.objects.order_by("value").values_list("value", "contact_id")
    assert list(held) == [("M-1", second.pk), ("M-9", first.pk)]


def test_identifiers_are_unique_per_field_not_across_entities(people: Any) -> None:
    add(people.admin, "member_no", "identifier", "会员号")
    add(people.admin, "member_no", "identifier", "会员号", entity="account")
    contact_create(actor=people.owner, name="张伟", custom={"member_no": "A-1"})
    account = account_create(actor=people.owner, name="华联", custom={"member_no": "A-1"})
    assert account.custom == {"member_no": "A-1"}
    with pytest.raises(ServiceValidationError) as exc:
        account_create(actor=people.owner, name="联华", custom={"member_no": "A-1"})
    assert errors_of(exc) == {"custom.member_no": ["Already used by another customer, “华联”."]}


def test_the_unique_constraint_answers_like_the_check(
    people: Any, fields: dict[str, CustomField], monkeypatch: Any
) -> None:
    """What a second writer meets when the first committed between its check and its insert."""
    contact_create(actor=people.owner, name="张伟", custom={"member_no": "M-1"})
    monkeypatch.setattr(custom_field_services, "_check_identifiers", lambda *args: None)
    with pytest.raises(ServiceValidationError) as exc:
        contact_create(actor=people.owner, name="王芳", custom={"member_no": "M-1"})
    assert errors_of(exc) == {"custom.member_no": ["Already used by another customer, “张伟”."]}
    assert list(Contact.objects.values_list("name", flat=True)) == ["张伟"]


RACE_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path

    import django

    django.setup()
    from django.db import transaction
    from django.utils import translation

    from guanxi.core.errors import GuanxiError
    from guanxi.customers.services.contacts import contact_create
    from guanxi.platform.models import User

    role, marker, name = sys.argv[1:4]
    actor = User.objects.get(username="admin")


    def wait_for(path):
        deadline = time.monotonic() + 120
        while not Path(path).exists() and time.monotonic() < deadline:
            time.sleep(0.02)


    with translation.override("en"):
        try:
            if role == "holder":
                wait_for(marker + ".ready")
                with transaction.atomic():
                    contact_create(actor=actor, name=name, custom={"member_no": "RACE-1"})
                    Path(marker).touch()
                    time.sleep(2.0)
            else:
                Path(marker + ".ready").touch()
                wait_for(marker)
                contact_create(actor=actor, name=name, custom={"member_no": "RACE-1"})
            print(json.dumps({"ok": name}))
        except GuanxiError as exc:
            print(json.dumps({"status": exc.status, "fields": exc.field_errors}))
    """
)


@pytest.fixture
def member_field(people: Any) -> CustomField:
    return add(people.admin, "member_no", "identifier", "会员号")


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_identifier_at_once(
    member_field: CustomField,
    shared_database: SharedDatabase,  # noqa: F811
    tmp_path: Path,
) -> None:
    marker = str(tmp_path / "identifier.marker")
    holder, second = (
        shared_database.start(sys.executable, "-c", RACE_WORKER, role, marker, name)
        for role, name in (("holder", "先到"), ("second", "后到"))
    )
    try:
        results = [json.loads(finish(process).splitlines()[-1]) for process in (holder, second)]
    finally:
        for process in (holder, second):
            if process.poll() is None:
                process.kill()
                process.wait()
    assert results == [
        {"ok": "先到"},
        {
            "status": 422,
            "fields": {"custom.member_no": ["Already used by another customer, “先到”."]},
        },
    ]
    sql = "SELECT COUNT(*) FROM customers_customidentifier WHERE value = 'RACE-1'"
    assert shared_database.count(sql) == 1
    assert shared_database.count("SELECT COUNT(*) FROM customers_contact") == 2


# Definitions -----------------------------------------------------------------------------------


def test_only_administrators_manage_definitions(
    people: Any, fields: dict[str, CustomField]
) -> None:
    for actor in (people.owner, people.teammate, people.outsider, people.manager, people.reader):
        with pytest.raises(PermissionDeniedError):
            add(actor, "shoe_size", "number", "Shoe size")
        with pytest.raises(PermissionDeniedError):
            custom_field_update(actor=actor, field=fields["note"], label="Changed")
        with pytest.raises(PermissionDeniedError):
            custom_field_archive(actor=actor, field=fields["note"])
    with pytest.raises(PermissionDeniedError):
        add(None, "shoe_size", "number", "Shoe size")
    assert sorted(CustomField.objects.values_list("key", "label", "archived")) == [
        ("level", "会员等级", False),
        ("member_no", "会员号", False),
        ("note", "Note", False),
        ("since", "Member since", False),
        ("spend", "Annual spend", False),
        ("vip", "VIP", False),
    ]
    assert not AuditEvent.objects.filter(verb__startswith="customers.custom_field.").exclude(
        verb="customers.custom_field.added"
    )


@pytest.mark.parametrize(
    ("key", "kind", "choices", "field", "message"),
    [
        ("Member", "text", [], "key", "KEY"),
        ("member-no", "text", [], "key", "KEY"),
        ("a__b", "text", [], "key", "KEY"),
        ("会员", "text", [], "key", "KEY"),
        ("x" * 41, "text", [], "key", "KEY"),
        ("phone", "text", [], "key", "“phone” is a built-in field."),
        ("postcode", "text", [], "key", "“postcode” is a built-in field."),
        ("note", "text", [], "key", "A field with the key “note” exists already."),
        ("grade", "choice", [], "choices", "A choice field needs at least one option."),
        ("grade", "text", ["A"], "choices", "Only a choice field has options."),
        ("grade", "colour", [], "kind", "Unknown kind of field."),
    ],
)
def test_definitions_are_checked(
    people: Any,
    fields: dict[str, CustomField],
    key: str,
    kind: str,
    choices: list[str],
    field: str,
    message: str,
) -> None:
    if message == "KEY":
        message = (
            "Use lower-case letters, digits and single underscores, starting with a letter (at "
            "most 40 characters), e.g. member_no."
        )
    with pytest.raises(ServiceValidationError) as exc:
        add(people.admin, key, kind, "Label", choices=choices)
    assert errors_of(exc) == {field: [message]}
    assert CustomField.objects.count() == 6


def test_definitions_change_archive_and_restore_audited(
    people: Any, fields: dict[str, CustomField]
) -> None:
    level = custom_field_update(
        actor=people.admin,
        field=fields["level"],
        label=" 会员  级别 ",
        choices=["普通", "金卡", "金卡", "黑卡"],
        position=9,
    )
    assert (level.label, level.choices, level.position) == (
        "会员 级别",
        ["普通", "金卡", "黑卡"],
        9,
    )
    custom_field_archive(actor=people.admin, field=level)
    custom_field_archive(actor=people.admin, field=level)  # nothing more to do
    custom_field_restore(actor=people.admin, field=level)
    events = AuditEvent.objects.filter(target_id=level.pk, target_type="customers.customfield")
    assert [(e.verb, e.changes) for e in events.order_by("pk")] == [
        (
            "customers.custom_field.added",
            {
                "entity": {"before": None, "after": "contact"},
                "key": {"before": None, "after": "level"},
                "label": {"before": None, "after": "会员等级"},
                "kind": {"before": None, "after": "choice"},
                "choices": {"before": None, "after": ["普通", "金卡", "钻石"]},
                "position": {"before": None, "after": 1},
                "archived": {"before": None, "after": False},
            },
        ),
        (
            "customers.custom_field.changed",
            {
                "label": {"before": "会员等级", "after": "会员 级别"},
                "choices": {"before": ["普通", "金卡", "钻石"], "after": ["普通", "金卡", "黑卡"]},
                "position": {"before": 1, "after": 9},
            },
        ),
        ("customers.custom_field.archived", {"archived": {"before": False, "after": True}}),
        ("customers.custom_field.restored", {"archived": {"before": True, "after": False}}),
    ]
    assert [f.key for f in CustomField.objects.order_by("position", "id")] == [
        "member_no",
        "spend",
        "since",
        "vip",
        "note",
        "level",
    ]


# Audit wording and edit rights -----------------------------------------------------------------


def test_audit_changes_read_with_the_field_labels(
    people: Any, fields: dict[str, CustomField]
) -> None:
    contact = contact_create(
        actor=people.owner, name="张伟", custom={"member_no": "M-1", "vip": "是"}
    )
    contact_update(
        actor=people.owner,
        contact=contact,
        version=1,
        postcode="100000",
        custom={"member_no": None, "since": "2026-01-03", "vip": "否", "spend": "12.50"},
    )
    events = AuditEvent.objects.filter(target_type="customers.contact", target_id=contact.pk)
    created, updated = events.order_by("pk")
    assert created.changes["custom.member_no"] == {"before": None, "after": "M-1"}
    assert updated.changes == {
        "postcode": {"before": "", "after": "100000"},
        "custom.member_no": {"before": "M-1", "after": None},
        "custom.since": {"before": None, "after": "2026-01-03"},
        "custom.spend": {"before": None, "after": "12.50"},
        "custom.vip": {"before": True, "after": False},
    }
    describe_events([updated], viewer=people.owner)
    rows = [(row.label, row.before, row.after) for row in updated.change_rows]
    assert rows == [
        ("Postcode", "—", "100000"),
        ("会员号", "M-1", "—"),
        ("Member since", "—", "Jan. 3, 2026"),
        ("Annual spend", "—", "12.50"),
        ("VIP", "Yes", "No"),
    ]
    # An archived field's history keeps its label.
    custom_field_archive(actor=people.admin, field=fields["vip"])
    del updated.change_rows
    describe_events([updated], viewer=people.owner)
    assert ("VIP", "Yes", "No") in [(r.label, r.before, r.after) for r in updated.change_rows]


def test_values_follow_the_record_edit_rights(people: Any, fields: dict[str, CustomField]) -> None:
    contact = contact_create(
        actor=people.owner, name="张伟", visibility="team", custom={"note": "原来"}
    )
    contact = contact_update(
        actor=people.teammate, contact=contact, version=1, custom={"note": "队友改"}
    )
    with pytest.raises(NotFoundError):
        contact_update(actor=people.outsider, contact=contact, version=2, custom={"note": "外人"})
    with pytest.raises(PermissionDeniedError):
        contact_update(actor=people.reader, contact=contact, version=2, custom={"note": "只读"})
    with pytest.raises(PermissionDeniedError):
        contact_create(actor=people.reader, name="王芳", custom={"note": "只读"})
    contact.refresh_from_db()
    assert (contact.custom, contact.version) == ({"note": "队友改"}, 2)
    assert Contact.objects.count() == 1


def test_account_values_and_postcode(people: Any) -> None:
    add(people.admin, "tax_no", "identifier", "税号", entity="account")
    add(people.admin, "founded", "date", "成立日期", entity="account")
    account = account_create(
        actor=people.owner, name="华联", postcode=" 200000 ", custom={"founded": "20010203"}
    )
    assert (account.postcode, account.custom) == ("200000", {"founded": "2001-02-03"})
    account = account_update(
        actor=people.owner, account=account, version=1, custom={"tax_no": "91310000X"}
    )
    assert account.custom == {"founded": "2001-02-03", "tax_no": "91310000X"}
    with pytest.raises(ServiceValidationError) as exc:
        account_update(actor=people.owner, account=account, version=2, postcode="1" * 13)
    assert errors_of(exc) == {"postcode": ["At most 12 characters."]}
    event = AuditEvent.objects.filter(verb="customers.account.updated").get()
    assert event.changes == {"custom.tax_no": {"before": None, "after": "91310000X"}}


# Filters ---------------------------------------------------------------------------------------


def test_lists_filter_by_custom_values(people: Any, fields: dict[str, CustomField]) -> None:
    zhang = contact_create(
        actor=people.owner,
        name="张伟",
        custom={"level": "金卡", "vip": True, "since": "2026-01-03", "spend": "10.5"},
    )
    wang = contact_create(actor=people.owner, name="王芳", custom={"level": "普通", "vip": False})
    hidden = contact_create(
        actor=people.outsider, name="李娜", visibility="owner", custom={"level": "金卡"}
    )

    def names(user: Any, **custom: str) -> list[str]:
        found = selectors.contact_list(user, custom=custom).order_by("pk")
        return list(found.values_list("name", flat=True))

    assert names(people.owner, level="金卡") == ["张伟"]
    assert names(people.outsider, level="金卡") == ["张伟", "李娜"]
    assert names(people.owner, vip="是") == ["张伟"]
    assert names(people.owner, vip="false") == ["王芳"]
    assert names(people.owner, since="2026年1月3日", level="金卡") == ["张伟"]
    assert names(people.owner, spend="10.50") == []  # exact: the stored text is "10.5"
    assert names(people.owner, spend="10.5") == ["张伟"]
    with pytest.raises(ServiceValidationError) as exc:
        names(people.owner, shoe_size="42")
    assert errors_of(exc) == {"custom.shoe_size": ["No custom field “shoe_size”."]}
    with pytest.raises(ServiceValidationError):
        names(people.owner, spend="lots")
    account = account_create(actor=people.owner, name="华联")
    assert list(selectors.account_list(people.owner, custom={})) == [account]
    assert (zhang.pk, wang.pk, hidden.pk) != (None, None, None)


# Command ---------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("fields", *args, stdout=out)
    return out.getvalue()


def test_fields_command_adds_and_lists(people: Any) -> None:
    assert run("add", "contact", "member_no", "--kind", "identifier", "--label", "会员号") == (
        "added contact field member_no (identifier): 会员号\n"
    )
    assert (
        run(
            "add",
            "contact",
            "level",
            "--kind",
            "choice",
            "--label",
            "会员等级",
            "--choices",
            "普通,金卡，钻石",
        )
        == "added contact field level (choice): 会员等级\n"
    )
    assert run(
        "add", "account", "tax_no", "--kind", "text", "--label", "税号", "--as", "admin"
    ) == ("added account field tax_no (text): 税号\n")
    assert run("list") == (
        "account\ttax_no\ttext\t税号\t\n"
        "contact\tmember_no\tidentifier\t会员号\t\n"
        "contact\tlevel\tchoice\t会员等级\t普通,金卡,钻石\n"
    )
    assert run("list", "account") == "account\ttax_no\ttext\t税号\t\n"
    assert run("archive", "account", "tax_no") == "archived account field tax_no\n"
    assert run("list", "account") == ""
    added = AuditEvent.objects.filter(verb="customers.custom_field.added")
    assert sorted(added.values_list("actor__username", flat=True)) == ["admin"] * 3


def test_fields_command_refuses_clearly(people: Any) -> None:
    run("add", "contact", "member_no", "--kind", "identifier", "--label", "会员号")
    with pytest.raises(CommandError) as exc:
        run("add", "contact", "member_no", "--kind", "text", "--label", "x")
    assert str(exc.value) == "key: A field with the key “member_no” exists already."
    with pytest.raises(CommandError) as exc:
        run("add", "contact", "grade", "--kind", "text", "--label", "x", "--as", "owner")
    assert str(exc.value) == "You do not have permission to do this."
    with pytest.raises(CommandError) as exc:
        run("add", "contact", "grade", "--kind", "choice", "--label", "等级")
    assert str(exc.value) == "choices: A choice field needs at least one option."
    assert CustomField.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_guanxi_entry_point_runs_the_command(
    shared_database: SharedDatabase,  # noqa: F811
) -> None:
    guanxi = str(Path(sys.executable).parent / "guanxi")
    command = [guanxi, "fields", "add", "contact", "member_no", "--kind", "identifier"]
    out = finish(shared_database.start(*command, "--label", "会员号"))
    assert out == "added contact field member_no (identifier): 会员号\n"
    listed = subprocess.run(
        [guanxi, "fields", "list", "contact"],
        env=shared_database.env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout == "contact\tmember_no\tidentifier\t会员号\t\n"


# Demo ------------------------------------------------------------------------------------------


def test_demo_adds_two_fields_with_values(people: Any) -> None:
    from guanxi.customers import demo

    demo.generate(org_id=people.org.pk, owner_ids=[people.owner.pk], contacts=60, seed=3)
    definitions = CustomField.objects.filter(org=people.org).order_by("position")
    assert [(f.key, f.label, f.kind, f.choices) for f in definitions] == [
        ("member_no", "会员号", "identifier", []),
        ("member_level", "会员等级", "choice", ["普通", "银卡", "金卡", "钻石"]),
    ]
    members = Contact.objects.exclude(custom={}).order_by("pk")
    assert members.count() == 20
    first = members.first()
    assert first is not None
    assert set(first.custom) == {"member_no", "member_level"}
    assert CustomIdentifier.objects.count() == 20
    assert set(CustomIdentifier.objects.values_list("value", flat=True)) == {
        c.custom["member_no"] for c in members
    }
    # Filterable like any other value.
    level = first.custom["member_level"]
    found = selectors.contact_list(people.admin, custom={"member_level": level})
    assert first in found
