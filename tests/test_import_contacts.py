"""The contact importer: every value normalised as the contact services store it, one clear
reason per refused row, bulk writes with their phones, e-mails, search keys and audit events,
dry runs that write nothing, and undo that restores exactly (keeping what changed since)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from guanxi.customers.importing.cells import combined_name, phone_with_kind
from guanxi.customers.models import (
    Account,
    Contact,
    ContactSearchToken,
    CustomField,
    CustomIdentifier,
)
from guanxi.customers.phones import inferred_kind, normalize_phone
from guanxi.customers.selectors import contact_search_ids
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create, contact_update
from guanxi.platform.imports.registry import importer_for
from guanxi.platform.models import AuditEvent
from tests.importing_contacts import errors, new_batch, run, undo

pytestmark = pytest.mark.usefixtures("english")


def only(**lookup: Any) -> Contact:
    return Contact.objects.get(**lookup)


def phones_of(contact: Contact) -> list[tuple[str, str]]:
    return list(contact.phones.order_by("position").values_list("number", "kind"))


def emails_of(contact: Contact) -> list[str]:
    return list(contact.emails.order_by("position").values_list("email", flat=True))


@pytest.fixture
def member_no(people: Any) -> CustomField:
    return CustomField.objects.create(
        org=people.org, entity="contact", key="member_no", label="会员号", kind="identifier"
    )


@pytest.fixture
def level(people: Any) -> CustomField:
    return CustomField.objects.create(
        org=people.org,
        entity="contact",
        key="level",
        label="等级",
        kind="choice",
        choices=["金卡", "银卡"],
    )


def test_registered_with_fields_aliases_and_required(people: Any, member_no: Any) -> None:
    importer = importer_for("contacts")
    assert importer is not None
    fields = {f.key: f for f in importer.fields(people.owner)}
    assert list(fields)[:3] == ["name", "name.family", "name.given"]
    assert {"姓名", "客户姓名", "名字", "联系人", "full name"} <= set(fields["name"].aliases)
    assert {"姓", "姓氏", "last name", "surname", "n family"} <= set(fields["name.family"].aliases)
    assert {"手机", "手机号码", "座机", "mobile", "tel", "tel 1", "tel 2"} <= set(
        fields["phone"].aliases
    )
    assert {"邮箱", "e-mail", "email 1"} <= set(fields["email"].aliases)
    assert {"地址", "详细地址", "adr street"} <= set(fields["street"].aliases)
    assert {"客户编号", "customer id", "uid"} <= set(fields["external_id"].aliases)
    assert fields["custom.member_no"].label == "会员号"
    assert fields["custom.member_no"].aliases == ("会员号", "member_no")
    assert fields["phone"].several and fields["email"].several and fields["street"].several
    assert tuple(importer.required_fields()) == (
        "name",
        "name.family",
        "name.given",
        "phone",
        "email",
    )


def test_name_combined_as_the_culture_writes_it() -> None:
    assert combined_name("张", "伟") == "张伟"
    assert combined_name("Smith", "John") == "John Smith"
    assert combined_name("欧阳", "Na") == "欧阳Na"
    assert combined_name("", "伟") == "伟"
    assert combined_name("Smith", "") == "Smith"


def test_names_from_parts_and_whitespace_collapsed(people: Any) -> None:
    result = run(
        people.owner,
        [
            {"name.family": " 张 ", "name.given": "伟", "phone": "13800138001"},
            {"name.family": "Smith", "name.given": "John", "phone": "13800138002"},
            {"name": "  Mary   Ann  Lee ", "name.family": "Ignored", "phone": "13800138003"},
        ],
    )
    assert (result.created, result.errors) == (3, [])
    names = list(Contact.objects.order_by("pk").values_list("name", "pinyin"))
    assert names == [("张伟", "zhang wei"), ("John Smith", ""), ("Mary Ann Lee", "")]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("13800138000", [("+8613800138000", "mobile")]),
        ("138-0013-8000", [("+8613800138000", "mobile")]),
        ("+86 138 0013 8000", [("+8613800138000", "mobile")]),
        ("0086 13800138000", [("+8613800138000", "mobile")]),
        ("021-62345678", [("+862162345678", "landline")]),
        ("(010) 6552 9988", [("+861065529988", "landline")]),
        ("+1 415 555 2671", [("+14155552671", "mobile")]),
        (
            "13800138000/13900139000、021 62345678",
            [
                ("+8613800138000", "mobile"),
                ("+8613900139000", "mobile"),
                ("+862162345678", "landline"),
            ],
        ),
        ("13800138000; 13800138000", [("+8613800138000", "mobile")]),
    ],
)
def test_phones_to_e164_with_kind(people: Any, written: str, expected: list[Any]) -> None:
    result = run(people.owner, [{"name": "王芳", "phone": written}])
    assert result.errors == []
    assert phones_of(only(name="王芳")) == expected


def test_fast_mobile_path_gives_what_phonenumbers_gives() -> None:
    """Every written form of random mainland mobiles: the same E.164 and kind as the full parse,
    and the same refusal where the parse refuses (179xx dialling prefixes)."""
    import random

    from guanxi.core.errors import ServiceValidationError

    rng = random.Random(8)
    refused = 0
    for _ in range(3000):
        digits = f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}"
        for written in (digits, f"+86 {digits}", f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"):
            try:
                e164 = normalize_phone(written)
            except ServiceValidationError:
                assert phone_with_kind(written) is None
                refused += 1
                continue
            assert phone_with_kind(written) == (e164, inferred_kind(e164))
            assert e164 == "+86" + digits
    assert refused > 0


def test_several_phone_and_email_columns(people: Any) -> None:
    run(
        people.owner,
        [
            {
                "name": "李娜",
                "phone": ["13800138000", "", "021-62345678"],
                "email": ["LI.NA@Example.COM", "li.na@example.com; na@example.org"],
            }
        ],
    )
    contact = only(name="李娜")
    assert phones_of(contact) == [("+8613800138000", "mobile"), ("+862162345678", "landline")]
    assert emails_of(contact) == ["li.na@example.com", "na@example.org"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("19560110", datetime.date(1956, 1, 10)),
        ("2020年1月3日", datetime.date(2020, 1, 3)),
        ("1956/1/10", datetime.date(1956, 1, 10)),
        ("1990-02-28", datetime.date(1990, 2, 28)),
        ("3/1/1990", datetime.date(1990, 1, 3)),
    ],
)
def test_birthdays_in_chinese_and_iso_forms(people: Any, written: str, expected: Any) -> None:
    run(people.owner, [{"name": "生日", "birthday": written}])
    assert only(name="生日").birthday == expected


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"phone": "123"}, "phone", "“123” is not a valid phone number."),
        ({"email": "wang@"}, "email", "“wang@” is not a valid e-mail address."),
        ({"birthday": "明天"}, "birthday", "“明天” is not a date."),
        ({"birthday": "2999-01-01"}, "birthday", "The birthday cannot be in the future."),
        ({"birthday": "18991231"}, "birthday", "A birthday before 1900 is not plausible."),
        ({"gender": "未知"}, "gender", "Write 男 or 女 (male or female), not “未知”."),
        ({"account_role": "boss"}, "account_role", "“boss” is not a role at an account."),
        (
            {"province": "火星"},
            "province",
            "“火星” is not a province, region or municipality of China.",
        ),
        ({"province": "广东", "city": "上海"}, "city", "“上海” is not a city of 广东省."),
        (
            {"province": "广东", "postcode": "51800"},
            "postcode",
            "“51800” is not a postcode of China (six digits).",
        ),
        ({"postcode": "SW1A 1AA 12345"}, "postcode", "At most 12 characters."),
        ({"title": "经" * 101}, "title", "At most 100 characters."),
        ({"name": "名" * 101}, "name", "At most 100 characters."),
        ({"account": "公" * 201}, "account", "At most 200 characters."),
        ({"owner": "nobody"}, "owner", "No active user “nobody” in your organisation."),
        ({"custom.level": "铜卡"}, "custom.level", "Choose one of: 金卡, 银卡."),
        ({"custom.nothing": "x"}, "custom.nothing", "There is no such custom field."),
    ],
)
def test_each_refusal_names_its_column_and_writes_nothing(
    people: Any, level: Any, cells: dict[str, str], column: str, message: str
) -> None:
    result = run(people.owner, [{"name": "测试", **cells}])
    assert errors(result) == [(2, column, message)]
    assert (result.created, result.updated, result.skipped) == (0, 0, 0)
    assert not Contact.objects.exists() and not Account.objects.exists()


def test_refusal_names_the_sheet_column_with_one_reason_per_row(people: Any) -> None:
    mapping = {"姓名": "name", "手机": "phone", "电话": "phone", "邮箱": "email"}
    result = run(
        people.owner,
        [
            {"name": "甲", "phone": ["13800138000", "x"], "email": "bad"},
            {"name": "乙", "phone": ["13900139000", ""]},
            {"name": "丙", "email": "bad"},
        ],
        options={"mapping": mapping},
    )
    assert errors(result) == [
        (2, "电话", "“x” is not a valid phone number."),
        (4, "邮箱", "“bad” is not a valid e-mail address."),
    ]
    assert result.created == 1


def test_values_stored_as_the_services_store_them(people: Any, member_no: Any, level: Any) -> None:
    result = run(
        people.owner,
        [
            {
                "name": "张伟",
                "phone": "13800138000",
                "email": "ZW@Example.com",
                "title": "  采购   经理 ",
                "gender": "女",
                "birthday": "19560110",
                "province": "广东",
                "city": "深圳",
                "district": "南山",
                "street": ["科技园", "南区 8 栋"],
                "postcode": "518 057",
                "wechat_id": "zw8888",
                "source": "展会",
                "external_id": "C-1",
                "description": "老客户",
                "tags": "VIP、老客户, VIP",
                "account_role": "决策人",
                "account": "华为",
                "custom.member_no": "M001",
                "custom.level": "金卡",
            }
        ],
    )
    assert result.errors == []
    contact = only(name="张伟")
    assert (contact.title, contact.gender, contact.birthday) == (
        "采购 经理",
        "female",
        datetime.date(1956, 1, 10),
    )
    assert (contact.province, contact.city, contact.district, contact.street) == (
        "广东省",
        "深圳市",
        "南山区",
        "科技园 南区 8 栋",
    )
    assert (contact.postcode, contact.wechat_id, contact.source, contact.external_id) == (
        "518057",
        "zw8888",
        "展会",
        "C-1",
    )
    assert (contact.description, contact.account_role) == ("老客户", "decision_maker")
    assert contact.custom == {"member_no": "M001", "level": "金卡"}
    assert sorted(contact.tags.values_list("name", flat=True)) == ["VIP", "老客户"]
    assert (contact.owner, contact.team, contact.version) == (people.owner, people.team, 1)
    assert (contact.pinyin, contact.sort_key) == ("zhang wei", "zhang wei\x1f张伟")
    assert contact.account is not None and contact.account.name == "华为"
    assert contact.account.owner == people.owner
    held = CustomIdentifier.objects.get()
    assert (held.field, held.contact, held.value) == (member_no, contact, "M001")
    assert contact_search_ids(people.owner, "zw") == [contact.pk]
    assert contact_search_ids(people.owner, "8000") == [contact.pk]
    assert contact_search_ids(people.owner, "zw@example") == [contact.pk]
    assert ContactSearchToken.objects.filter(contact=contact).count() > 5
    events = AuditEvent.objects.filter(target_id=contact.pk, target_type="customers.contact")
    created = events.get(verb="customers.contact.created")
    assert created.actor == people.owner
    assert created.changes["name"] == {"before": None, "after": "张伟"}
    assert created.changes["phones"] == {"before": None, "after": ["+8613800138000"]}
    assert created.changes["birthday"] == {"before": None, "after": "1956-01-10"}
    assert AuditEvent.objects.filter(verb="customers.account.created").count() == 1
    assert {(c.target_type, c.action) for c in result.changes} == {
        ("customers.contact", "created"),
        ("customers.account", "created"),
    }


def test_foreign_postcode_kept_as_written(people: Any) -> None:
    run(people.owner, [{"name": "Anna", "postcode": "SW1A 1AA"}])
    assert only(name="Anna").postcode == "SW1A 1AA"


def test_row_without_a_name_is_named_by_its_email_or_phone(people: Any) -> None:
    run(people.owner, [{"phone": "13800138000"}, {"email": "a@example.com"}])
    assert sorted(Contact.objects.values_list("name", flat=True)) == [
        "+8613800138000",
        "a@example.com",
    ]


def test_company_linked_by_exact_visible_name(people: Any) -> None:
    existing = account_create(actor=people.owner, name="华为技术")
    result = run(
        people.teammate,
        [{"name": "甲", "account": "华为技术"}, {"name": "乙", "account": "华为"}],
    )
    assert result.errors == []
    assert only(name="甲").account == existing
    created = only(name="乙").account
    assert created is not None and created != existing and created.owner == people.teammate
    assert Account.objects.count() == 2


def test_owner_by_user_name(people: Any) -> None:
    run(people.manager, [{"name": "甲", "owner": "teammate"}])
    contact = only(name="甲")
    assert (contact.owner, contact.team) == (people.teammate, people.team)


def test_dry_run_writes_nothing_and_previews(people: Any) -> None:
    existing = contact_create(actor=people.owner, name="王芳", phones=["13800138000"])
    result = run(
        people.owner,
        [
            {"name": "张伟", "phone": "13900139000", "account": "新公司"},
            {"name": "王芳", "phone": "13800138000", "title": "店长"},
            {"name": "坏", "phone": "1"},
        ],
        dry_run=True,
    )
    assert (result.created, result.updated, result.skipped, len(result.errors)) == (1, 1, 0, 1)
    assert result.changes == []
    assert result.preview == [
        {"Name": "张伟", "Phone": "+8613900139000", "Company": "新公司", "Action": "created"},
        {"Name": "王芳", "Phone": "+8613800138000", "Job title": "店长", "Action": "updated"},
    ]
    assert list(Contact.objects.values_list("pk", flat=True)) == [existing.pk]
    existing.refresh_from_db()
    assert (existing.title, existing.version) == ("", 1)
    assert not Account.objects.exists()


def test_permission_needed(people: Any) -> None:
    from guanxi.core.errors import PermissionDeniedError

    importer = importer_for("contacts")
    assert importer is not None
    with pytest.raises(PermissionDeniedError):
        importer.check_permission(people.reader)
    with pytest.raises(PermissionDeniedError):
        run(people.reader, [{"name": "甲"}])
    assert not Contact.objects.exists()


def test_undo_removes_created_and_restores_updated_exactly(people: Any, member_no: Any) -> None:
    kept_as_is = contact_create(
        actor=people.owner,
        name="王芳",
        phones=["13800138000"],
        emails=["wf@example.com"],
        title="店员",
        tags=["老客户"],
    )
    batch = new_batch(people.owner)
    result = run(
        people.owner,
        [
            {"name": "张伟", "phone": "13900139000", "account": "新公司"},
            {
                "name": "王芳",
                "phone": ["13800138000", "13700137000"],
                "email": "new@example.com",
                "title": "店长",
                "province": "上海",
                "tags": "VIP",
                "custom.member_no": "M9",
            },
        ],
        batch=batch,
    )
    assert (result.created, result.updated) == (1, 1)
    update = batch.changes.get(action="updated")
    assert update.before == {
        "title": "店员",
        "province": "",
        "city": "",
        "phones": ["+8613800138000"],
        "emails": ["wf@example.com"],
        "tags": ["老客户"],
        "custom.member_no": None,
    }
    assert update.after == {
        "title": "店长",
        "province": "上海市",
        "city": "上海市",
        "phones": ["+8613800138000", "+8613700137000"],
        "emails": ["wf@example.com", "new@example.com"],
        "tags": ["VIP", "老客户"],
        "custom.member_no": "M9",
    }
    kept_as_is.refresh_from_db()
    assert kept_as_is.version == 2
    counts = undo(people.owner, batch)
    assert counts == {"removed": 2, "restored": 1, "kept": 0}
    assert list(Contact.objects.values_list("name", flat=True)) == ["王芳"]
    assert not Account.objects.exists()
    restored = only(name="王芳")
    assert (restored.title, restored.province, restored.city, restored.custom) == (
        "店员",
        "",
        "",
        {},
    )
    assert phones_of(restored) == [("+8613800138000", "mobile")]
    assert emails_of(restored) == ["wf@example.com"]
    assert list(restored.tags.values_list("name", flat=True)) == ["老客户"]
    assert not CustomIdentifier.objects.exists()
    assert restored.version == 3
    assert contact_search_ids(people.owner, "13700137000") == []
    purged = AuditEvent.objects.filter(verb="customers.contact.purged").get()
    assert purged.changes["import_batch"] == {"before": None, "after": batch.pk}
    assert AuditEvent.objects.filter(verb="customers.account.purged").count() == 1
    restored_event = AuditEvent.objects.filter(
        verb="customers.contact.updated", target_id=restored.pk
    ).latest("pk")
    assert restored_event.changes["title"] == {"before": "店长", "after": "店员"}


def test_undo_keeps_what_changed_since(people: Any) -> None:
    contact = contact_create(
        actor=people.owner, name="王芳", title="店员", source="门店", external_id="W1"
    )
    batch = new_batch(people.owner)
    run(people.owner, [{"external_id": "W1", "phone": "13800138000"}], batch=batch)
    run(people.owner, [{"external_id": "W1", "title": "店长", "source": "展会"}], batch=batch)
    assert batch.changes.filter(action="updated").count() == 2
    contact.refresh_from_db()
    contact_update(actor=people.teammate, contact=contact, version=contact.version, title="总监")
    counts = undo(people.owner, batch)
    assert counts == {"removed": 0, "restored": 1, "kept": 1}
    contact.refresh_from_db()
    assert (contact.title, contact.source) == ("总监", "门店")
    assert phones_of(contact) == []


def test_undo_keeps_a_created_company_someone_else_now_uses(people: Any) -> None:
    batch = new_batch(people.owner)
    run(people.owner, [{"name": "张伟", "account": "新公司"}], batch=batch)
    account = Account.objects.get()
    contact_create(actor=people.teammate, name="李娜", account=account)
    assert undo(people.owner, batch) == {"removed": 1, "restored": 0, "kept": 1}
    assert list(Contact.objects.values_list("name", "account")) == [("李娜", account.pk)]


def test_end_to_end_through_the_runner_then_undo(people: Any, tmp_path: Any, settings: Any) -> None:
    """A GB18030 sheet with Chinese headers, as Chinese Excel saves it: mapped from its headers,
    imported in chunks by the runner, refusals naming the sheet's column, then undone."""
    from guanxi.platform.imports.runner import import_run, import_start, import_undo

    settings.GUANXI_DATA_DIR = str(tmp_path)
    existing = contact_create(actor=people.owner, name="王芳", phones=["13800138000"])
    path = tmp_path / "客户.csv"
    path.write_bytes(
        (
            "姓,名,手机,邮箱,省份,城市,生日,公司\r\n"
            "张,伟,138-0013-8001,ZW@Example.com,广东,深圳,19560110,华为\r\n"
            "王,芳,+86 138 0013 8000,,上海,,2020年1月3日,\r\n"
            "李,娜,12,,,,,\r\n"
            "张,伟,13800138001,zw2@example.com,,,,\r\n"
        ).encode("gb18030")
    )
    batch = import_start(
        actor=people.owner, kind="contacts", path_or_stream=path, file_name="客户.csv"
    )
    assert batch.mapping == {
        "姓": "name.family",
        "名": "name.given",
        "手机": "phone",
        "邮箱": "email",
        "省份": "province",
        "城市": "city",
        "生日": "birthday",
        "公司": "account",
    }
    batch = import_run(batch.pk, chunk_size=2)
    assert (batch.status, batch.created, batch.updated, batch.skipped, batch.refused) == (
        "finished",
        1,
        2,
        0,
        1,
    )
    assert batch.errors == [
        {"row": 4, "column": "手机", "message": "“12” is not a valid phone number."}
    ]
    zw = only(name="张伟")
    assert (zw.province, zw.city, zw.birthday) == ("广东省", "深圳市", datetime.date(1956, 1, 10))
    assert emails_of(zw) == ["zw@example.com", "zw2@example.com"]
    assert Contact.objects.count() == 2
    existing.refresh_from_db()
    assert (existing.province, existing.city, existing.birthday) == (
        "上海市",
        "上海市",
        datetime.date(2020, 1, 3),
    )
    counts = import_undo(actor=people.owner, batch=batch)
    assert counts == {"removed": 2, "restored": 1, "kept": 0}
    assert list(Contact.objects.values_list("name", "province", "birthday")) == [("王芳", "", None)]
    assert not Account.objects.exists()
