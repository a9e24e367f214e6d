"""Exports: the writers' exact bytes, and the contact and account exporters — visibility, filters,
custom fields, permission, audit and chunked reads."""

from __future__ import annotations

import datetime
import io
import os
import tempfile
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from guanxi.core.errors import NotFoundError, PermissionDeniedError, ServiceValidationError
from guanxi.customers import export_rows
from guanxi.customers.exporting import split_name
from guanxi.customers.models import Contact
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.custom_fields import custom_field_add
from guanxi.platform.exports.csvfile import csv_chunks
from guanxi.platform.exports.services import export_start
from guanxi.platform.exports.vcards import Address, Email, Phone, VCard, card_text, fold
from guanxi.platform.exports.xlsxfile import sheet_title, xlsx_chunks
from guanxi.platform.models import AuditEvent
from guanxi.platform.roles import Role
from guanxi.platform.services.users import user_create

BOM = "\ufeff"


def _export(actor: Any, kind: str = "contacts", fmt: str = "csv", **filters: Any) -> bytes:
    return b"".join(export_start(actor=actor, kind=kind, format=fmt, filters=filters).chunks)


def _csv_rows(data: bytes) -> list[list[str]]:
    import csv

    text = data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _names(data: bytes) -> list[str]:
    return [row[0] for row in _csv_rows(data)[1:]]


def _created(contact: Any) -> str:
    return timezone.localtime(contact.created_at).strftime("%Y-%m-%d %H:%M:%S")


def _unfolded(data: bytes) -> list[str]:
    """vCard content lines: every physical line at most 75 octets, continuations joined."""
    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    assert all(len(line) <= 75 for line in physical)
    lines: list[str] = []
    for line in physical[:-1]:
        if line.startswith(b" "):
            lines[-1] += line[1:].decode("utf-8")
        else:
            lines.append(line.decode("utf-8"))
    return lines


# --- writers ---------------------------------------------------------------------------------


def test_csv_has_a_bom_crlf_and_neutralised_formulas(english: Any) -> None:
    rows = [
        ["张伟", '=CMD("calc")', "+8613800138000", None],
        ["a,b", "@SUM(A1)", "-12.50", True],
        ['say "hi"', "\tx", datetime.date(2026, 1, 3), False],
    ]
    data = b"".join(csv_chunks(["Name", "Note", "Phone", "VIP"], rows))
    assert (
        data
        == (
            BOM + "Name,Note,Phone,VIP\r\n"
            '张伟,"\'=CMD(""calc"")",+8613800138000,\r\n'
            '"a,b",\'@SUM(A1),-12.50,yes\r\n'
            '"say ""hi""",\'\tx,2026-01-03,no\r\n'
        ).encode()
    )


def test_csv_writes_local_times_to_the_second() -> None:
    moment = datetime.datetime(2026, 3, 1, 2, 3, 4, 999, tzinfo=datetime.UTC)
    data = b"".join(csv_chunks(["At"], [[moment]]))
    assert data == (BOM + "At\r\n2026-03-01 10:03:04\r\n").encode()


def test_csv_of_nothing_is_the_header() -> None:
    assert b"".join(csv_chunks(["A", "B"], [])) == (BOM + "A,B\r\n").encode()


def test_xlsx_reads_back_with_types_and_formulas_kept_as_text(tmp_path: Any) -> None:
    moment = datetime.datetime(2026, 3, 1, 2, 3, 4, tzinfo=datetime.UTC)
    rows = [
        ["张伟", '=HYPERLINK("http://x")', moment, 12, "bell\x07"],
        ["李娜", None, None, None, ""],
    ]
    before = set(os.listdir(tempfile.gettempdir()))
    data = b"".join(xlsx_chunks(["姓名", "备注", "时间", "数量", "文本"], rows, sheet="联系人"))
    assert set(os.listdir(tempfile.gettempdir())) - before == set()  # the temporary file is gone
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["联系人"]
    sheet = book["联系人"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["姓名", "备注", "时间", "数量", "文本"],
        ["张伟", '=HYPERLINK("http://x")', datetime.datetime(2026, 3, 1, 10, 3, 4), 12, "bell"],
        ["李娜", None, None, None, None],
    ]
    formula = sheet.cell(row=2, column=2)
    assert (formula.data_type, formula.quotePrefix) == ("s", True)  # text, never run
    assert sheet.cell(row=1, column=1).font.b is True


def test_xlsx_continues_on_a_new_sheet_past_excels_limit(monkeypatch: Any) -> None:
    from guanxi.platform.exports import xlsxfile

    monkeypatch.setattr(xlsxfile, "MAX_SHEET_ROWS", 3)
    data = b"".join(xlsx_chunks(["n"], [[i] for i in range(5)], sheet="Contacts"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Contacts", "Contacts (2)", "Contacts (3)"]
    assert [[c.value for c in row] for row in book["Contacts (3)"].iter_rows()] == [["n"], [4]]
    assert sheet_title("a/b[c]:*?" + "x" * 40, 12) == "a b c    " + "x" * 17 + " (12)"


def test_vcard_escapes_and_folds_at_75_octets() -> None:
    card = VCard(
        uid="urn:uuid:1",
        full_name="欧阳娜娜",
        family_name="欧阳",
        given_name="娜娜",
        phones=[Phone("+8613800138000", "CELL"), Phone("+862161234567", "WORK")],
        emails=[Email("nana@example.com", "WORK")],
        organisation="上海华联; 分公司",
        title="店长, 华东区",
        address=Address(
            street="浦东新区 世纪大道100号环球金融中心79层东侧电梯厅右转第三间办公室",
            locality="上海市",
            region="上海市",
            postcode="200120",
            type="WORK",
        ),
        birthday=datetime.date(1990, 1, 10),
        note="第一行\n第二行 \\ 完",
    )
    data = card_text(card).encode()
    assert _unfolded(data) == [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:欧阳娜娜",
        "N:欧阳;娜娜;;;",
        "TEL;TYPE=CELL:+8613800138000",
        "TEL;TYPE=WORK:+862161234567",
        "EMAIL;TYPE=INTERNET,WORK:nana@example.com",
        "ORG:上海华联\\; 分公司",
        "TITLE:店长\\, 华东区",
        "ADR;TYPE=WORK:;;浦东新区 世纪大道100号环球金融中心79层东侧电梯厅右转第三间办公室;上海市;上海市;200120;",
        "BDAY:1990-01-10",
        "NOTE:第一行\\n第二行 \\\\ 完",
        "UID:urn:uuid:1",
        "END:VCARD",
    ]
    address_line = next(line for line in data.split(b"\r\n\r\n")[0].split(b"\r\nADR")[1:])
    assert address_line  # the address was long enough to be folded
    assert b"\r\n " in data


def test_folding_never_splits_a_character() -> None:
    line = "NOTE:" + "汉" * 60  # 5 + 180 octets
    folded = fold(line)
    parts = folded.removesuffix("\r\n").split("\r\n ")
    assert [len(part.encode()) for part in parts] == [74, 72, 39]
    assert "".join(parts) == line


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张伟", ("张", "伟")),
        ("欧阳娜娜", ("欧阳", "娜娜")),
        ("司马", ("司", "马")),
        ("Zoe Smith", ("Smith", "Zoe")),
        ("Anna Maria Rossi", ("Rossi", "Anna Maria")),
        ("Cher", ("", "Cher")),
    ],
)
def test_names_split_for_address_books(name: str, expected: tuple[str, str]) -> None:
    assert split_name(name) == expected


# --- the contact and account exporters --------------------------------------------------------


@pytest.fixture
def shop(people: Any) -> dict[str, Any]:
    """A secret company with a shared contact, a team-only contact and an outsider's own one."""
    secret = account_create(actor=people.owner, name="保密公司", visibility="owner")
    open_account = account_create(actor=people.owner, name="上海华联", tags=["vip"])
    zhang = contact_create(
        actor=people.owner,
        name="张伟",
        phones=["13800138001", {"number": "021-61234567", "kind": "work"}],
        emails=["zw@example.com", "zhang@home.example"],
        account=secret,
        title="店长",
        province="上海",
        district="浦东",
        street="世纪大道100号",
        postcode="200120",
        birthday=datetime.date(1990, 1, 10),
        tags=["vip", "华东"],
        visibility="org",
    )
    li = contact_create(
        actor=people.owner,
        name="李娜",
        phones=["13900139002"],
        account=open_account,
        province="广东",
        visibility="team",
    )
    wang = contact_create(actor=people.outsider, name="王芳", visibility="owner")
    return {"secret": secret, "open": open_account, "zhang": zhang, "li": li, "wang": wang}


def test_contacts_csv_holds_every_column_exactly(people: Any, shop: dict[str, Any], english: Any):
    data = _export(people.owner, sort="id")
    zhang, li = shop["zhang"], shop["li"]
    assert data.decode() == (
        BOM + "Full name,Phone,E-mail,Account,Job title,Role at the account,WeChat ID,Birthday,"
        "Gender,Source,External id,Province,City,District,Street address,Postcode,Description,"
        "Tags,Owner,Created\r\n"
        "张伟,'+8613800138001; +862161234567,zw@example.com; zhang@home.example,保密公司,店长,,,"
        f'1990-01-10,,,,上海市,上海市,浦东新区,世纪大道100号,200120,,"vip, 华东",owner,'
        f"{_created(zhang)}\r\n"
        f"李娜,+8613900139002,,上海华联,,,,,,,,广东省,,,,,,,owner,{_created(li)}\r\n"
    )


@pytest.mark.parametrize(
    ("who", "names", "company"),
    [
        ("owner", ["张伟", "李娜"], "保密公司"),
        ("teammate", ["张伟", "李娜"], ""),
        ("outsider", ["张伟", "王芳"], ""),
        ("admin", ["张伟", "李娜", "王芳"], "保密公司"),
    ],
)
def test_each_person_exports_exactly_what_they_see(
    people: Any, shop: dict[str, Any], who: str, names: list[str], company: str
) -> None:
    user = getattr(people, who)
    csv_rows = _csv_rows(_export(user, sort="id"))
    assert [row[0] for row in csv_rows[1:]] == names
    assert csv_rows[1][3] == company  # 张伟's company, named only to those who see it
    cards = _unfolded(_export(user, fmt="vcf", sort="id"))
    assert [line for line in cards if line.startswith("FN:")] == [f"FN:{n}" for n in names]
    assert ("ORG:保密公司" in cards) == bool(company)
    book = load_workbook(io.BytesIO(_export(user, fmt="xlsx", sort="id")))
    cells = [c.value for row in book.active.iter_rows(min_row=2) for c in row]
    assert [row[0].value for row in book.active.iter_rows(min_row=2)] == names
    assert ("保密公司" in cells) == bool(company)
    accounts = _names(_export(user, kind="accounts", sort="id"))
    assert accounts == (["保密公司", "上海华联"] if company else ["上海华联"])


def test_an_invisible_company_is_never_named_in_any_format(people: Any, shop: dict[str, Any]):
    for fmt in ("csv", "vcf"):
        for kind in ("contacts", "accounts"):
            data = _export(people.outsider, kind=kind, fmt=fmt)
            assert "保密公司".encode() not in data
            assert "保密公司".encode() in _export(people.owner, kind=kind, fmt=fmt)


def test_contact_vcards_carry_phones_by_kind_and_the_address(people: Any, shop: dict[str, Any]):
    cards = _unfolded(_export(people.owner, fmt="vcf", sort="id"))
    first = cards[: cards.index("END:VCARD") + 1]
    assert first == [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:张伟",
        "N:张;伟;;;",
        "TEL;TYPE=CELL:+8613800138001",
        "TEL;TYPE=WORK:+862161234567",
        "EMAIL;TYPE=INTERNET,WORK:zw@example.com",
        "EMAIL;TYPE=INTERNET,WORK:zhang@home.example",
        "ORG:保密公司",
        "TITLE:店长",
        "ADR;TYPE=WORK:;;浦东新区 世纪大道100号;上海市;上海市;200120;",
        "BDAY:1990-01-10",
        f"UID:urn:uuid:{shop['zhang'].public_id}",
        "END:VCARD",
    ]


def test_account_vcards_are_company_cards(people: Any, shop: dict[str, Any]) -> None:
    account_create(
        actor=people.owner,
        name="华为",
        website="https://www.huawei.com",
        province="广东",
        city="深圳",
    )
    cards = _unfolded(_export(people.owner, kind="accounts", fmt="vcf", sort="-id"))
    assert cards[: cards.index("END:VCARD") + 1][2:-2] == [
        "FN:华为",
        "N:;;;;",
        "ORG:华为",
        "ADR;TYPE=WORK:;;;深圳市;广东省;;",
        "URL:https://www.huawei.com",
    ]


def test_the_lists_filters_are_honoured(people: Any, shop: dict[str, Any]) -> None:
    owner = people.owner
    assert _names(_export(owner, province="广东省")) == ["李娜"]
    assert _names(_export(owner, tag="华东")) == ["张伟"]
    assert _names(_export(owner, q="李娜")) == ["李娜"]
    assert _names(_export(owner, q="13800138001")) == ["张伟"]
    assert _names(_export(people.admin, owner_id=people.outsider.pk)) == ["王芳"]
    assert _names(_export(people.admin, scope="mine")) == []
    assert _names(_export(owner, account_id=shop["open"].pk)) == ["李娜"]
    assert _names(_export(people.admin, kind="accounts", tag="vip")) == ["上海华联"]
    assert _names(_export(owner, sort="name")) == ["李娜", "张伟"]
    assert _names(_export(owner, sort="-name")) == ["张伟", "李娜"]


def test_custom_fields_are_columns_with_typed_values(people: Any, english: Any) -> None:
    for key, kind, label in (
        ("member_no", "identifier", "会员号"),
        ("spent", "number", "Spent"),
        ("since", "date", "Member since"),
        ("vip", "bool", "VIP"),
    ):
        custom_field_add(actor=people.admin, entity="contact", key=key, kind=kind, label=label)
    contact_create(
        actor=people.owner,
        name="张伟",
        custom={"member_no": "=M001", "spent": "1234.50", "since": "2026-01-03", "vip": True},
    )
    contact_create(actor=people.owner, name="李娜", custom={"vip": False})
    rows = _csv_rows(_export(people.owner, sort="id"))
    assert rows[0][-4:] == ["会员号", "Spent", "Member since", "VIP"]
    assert [row[-4:] for row in rows[1:]] == [
        ["'=M001", "1234.50", "2026-01-03", "yes"],
        ["", "", "", "no"],
    ]
    assert _names(_export(people.owner, custom={"member_no": "=M001"})) == ["张伟"]
    book = load_workbook(io.BytesIO(_export(people.owner, fmt="xlsx", sort="id")))
    assert [c.value for c in next(book.active.iter_rows(min_row=2))][-4:] == [
        "=M001",
        1234.5,
        datetime.datetime(2026, 1, 3),
        True,
    ]


def test_a_refused_filter_exports_and_audits_nothing(people: Any, english: Any) -> None:
    with pytest.raises(ServiceValidationError):
        export_start(
            actor=people.owner, kind="contacts", format="csv", filters={"custom": {"x": "1"}}
        )
    with pytest.raises(ServiceValidationError) as refused:
        export_start(actor=people.owner, kind="contacts", format="pdf", filters={})
    assert refused.value.field_errors == {"format": ["Choose one of: csv, xlsx, vcf."]}
    with pytest.raises(NotFoundError):
        export_start(actor=people.owner, kind="orders", format="csv", filters={})
    assert not AuditEvent.objects.filter(verb__startswith="platform.export").exists()


@pytest.mark.parametrize("who", ["reader", "service_agent", "anonymous"])
def test_roles_without_the_export_permission_are_refused(
    people: Any, shop: dict[str, Any], who: str, english: Any
) -> None:
    if who == "anonymous":
        user: Any = AnonymousUser()
    elif who == "service_agent":
        user = user_create(
            actor=None,
            username="agent",
            password="correct horse battery staple",
            org=people.org,
            role=Role.SERVICE_AGENT,
            team=people.team,
            check_password=False,
        )
    else:
        user = people.reader
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError) as refused:
        export_start(actor=user, kind="contacts", format="csv", filters={})
    assert refused.value.message == "Your role may not export customer lists."
    assert AuditEvent.objects.count() == events


def test_an_export_is_audited_when_it_starts_and_when_it_ends(
    people: Any, shop: dict[str, Any]
) -> None:
    stream = export_start(
        actor=people.owner, kind="contacts", format="csv", filters={"q": "", "province": "上海市"}
    )
    started = AuditEvent.objects.get(verb="platform.export.created")
    assert (started.actor, started.target_type, started.target_id) == (
        people.owner,
        "platform.user",
        people.owner.pk,
    )
    assert started.changes == {
        "kind": "contacts",
        "format": "csv",
        "filters": {"province": "上海市"},
    }
    assert not AuditEvent.objects.filter(verb="platform.export.finished").exists()
    b"".join(stream.chunks)
    finished = AuditEvent.objects.get(verb="platform.export.finished")
    assert finished.changes == {"kind": "contacts", "format": "csv", "rows": 1, "complete": True}
    assert stream.rows_written == 1


def test_a_download_cut_short_is_audited_as_incomplete(people: Any, monkeypatch: Any) -> None:
    from guanxi.platform.exports import csvfile

    monkeypatch.setattr(csvfile, "ROWS_PER_CHUNK", 2)
    for number in range(5):
        contact_create(actor=people.owner, name=f"客户{number}")
    stream = export_start(actor=people.owner, kind="contacts", format="csv", filters={})
    next(stream.chunks)  # the header
    next(stream.chunks)  # two rows
    stream.chunks.close()  # the client went away
    finished = AuditEvent.objects.get(verb="platform.export.finished")
    assert finished.changes == {"kind": "contacts", "format": "csv", "rows": 2, "complete": False}


def test_rows_are_read_in_chunks_without_a_query_per_record(people: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(export_rows, "CHUNK", 10)
    account = account_create(actor=people.owner, name="上海华联")

    def queries(count: int) -> int:
        Contact.objects.all().delete()
        for number in range(count):
            contact_create(
                actor=people.owner,
                name=f"客户{number}",
                phones=[f"1380013{number:04d}"],
                emails=[f"c{number}@example.com"],
                tags=["vip"],
                account=account,
            )
        with CaptureQueriesContext(connection) as captured:
            data = _export(people.teammate)
        assert len(_names(data)) == count
        return len(captured)

    # Four queries per chunk of ten (phones, e-mails, tags, which companies are visible),
    # whatever the number of contacts;
    # the first export also reads the user's teams and sharing (then kept), hence the warm-up.
    _warm, ten, twenty, thirty = (queries(count) for count in (10, 10, 20, 30))
    assert (twenty - ten, thirty - twenty) == (4, 4)


def test_deleted_contacts_are_exported_only_from_the_deleted_list(
    people: Any, shop: dict[str, Any]
) -> None:
    from guanxi.customers.services.contacts import contact_delete

    contact_delete(actor=people.owner, contact=shop["li"])
    assert _names(_export(people.owner)) == ["张伟"]
    assert _names(_export(people.owner, deleted=True)) == ["李娜"]
