"""Column mapping: proposed from Chinese and English headers, checked, applied to rows, given on
the command line, and saved as a template per organisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from guanxi.commerce.rows import ORDER_FIELDS
from guanxi.core.errors import NotFoundError, PermissionDeniedError, ServiceValidationError
from guanxi.platform.imports import registry
from guanxi.platform.imports.mapping import (
    apply_mapping,
    check_mapping,
    complete_mapping,
    fold,
    parse_map_options,
    propose_mapping,
)
from guanxi.platform.imports.registry import ImportField
from guanxi.platform.models import AuditEvent, MappingTemplate, Organization
from guanxi.platform.roles import Role
from guanxi.platform.services.mapping_templates import mapping_template_get, mapping_template_save
from guanxi.platform.services.users import user_create

pytestmark = pytest.mark.usefixtures("english")

# Fields as a contact importer describes them (the real ones live in guanxi.customers).
FIELDS = (
    ImportField("name", "Name", ("姓名", "客户姓名", "full name", "fn")),
    ImportField("name.family", "Family name", ("姓", "family name", "n family")),
    ImportField("name.given", "Given name", ("名", "given name", "n given")),
    ImportField("phone", "Phone", ("手机", "电话", "mobile", "tel"), several=True),
    ImportField("email", "E-mail", ("邮箱", "email"), several=True),
    ImportField("account", "Company", ("公司", "company", "org")),
    ImportField("street", "Street", ("地址", "street", "adr street"), several=True),
    ImportField("postcode", "Postcode", ("邮编", "adr postcode")),
    ImportField("birthday", "Birthday", ("生日", "bday")),
    ImportField("external_id", "Customer id", ("客户", "会员号")),
)


def error_of(call: Any, *args: Any) -> dict[str, list[str]]:
    with pytest.raises(ServiceValidationError) as caught:
        call(*args)
    return caught.value.field_errors


def test_fold_ignores_case_spaces_punctuation_and_full_width_forms() -> None:
    assert fold(" E-Mail（工作）") == "email工作"
    assert fold("ＥＭＡＩＬ_Address") == "emailaddress"
    assert fold("Order_ID") == fold("order id") == "orderid"


def test_chinese_headers_exact_beats_contained() -> None:
    columns = ["客户姓名", "手机号码", "电话", "电话2", "客户", "邮箱", "邮编", "备注"]
    assert propose_mapping(columns, FIELDS) == {
        "客户姓名": "name",  # an exact alias, not the customer id "客户" is contained in
        "手机号码": "phone",  # contains 手机
        "电话": "phone",
        "电话2": "phone",  # a trailing number as a second column of the same kind
        "客户": "external_id",
        "邮箱": "email",
        "邮编": "postcode",
    }


def test_a_single_field_takes_only_its_best_column() -> None:
    assert propose_mapping(["公司名称", "公司"], FIELDS) == {"公司": "account"}
    # The earlier alias wins; the other column is left to the user, not guessed at (客户 → id).
    assert propose_mapping(["客户姓名", "姓名"], FIELDS) == {"姓名": "name"}


def test_english_headers_and_full_width_letters() -> None:
    columns = ["Full Name", "Mobile", "E-mail", "ＥＭＡＩＬ 2", "Company", "Street"]
    assert propose_mapping(columns, FIELDS) == {
        "Full Name": "name",
        "Mobile": "phone",
        "E-mail": "email",
        "ＥＭＡＩＬ 2": "email",
        "Company": "account",
        "Street": "street",
    }


def test_vcard_and_merged_header_columns() -> None:
    vcard = ["FN", "N family", "N given", "TEL 1", "TEL 2", "EMAIL 1", "ORG", "ADR street"]
    assert propose_mapping(vcard, FIELDS) == {
        "FN": "name",
        "N family": "name.family",
        "N given": "name.given",
        "TEL 1": "phone",
        "TEL 2": "phone",
        "EMAIL 1": "email",
        "ORG": "account",
        "ADR street": "street",
    }
    merged = ["姓", "名", "地址", "地址 (2)", "地址 (3)", "生日", ""]
    assert propose_mapping(merged, FIELDS) == {
        "姓": "name.family",
        "名": "name.given",
        "地址": "street",
        "地址 (2)": "street",
        "地址 (3)": "street",
        "生日": "birthday",
    }


def test_order_headers_from_a_pos_export() -> None:
    assert propose_mapping(["订单号", "客户", "日期", "金额"], ORDER_FIELDS) == {
        "订单号": "order_id",
        "客户": "customer_id",
        "日期": "ordered_at",
        "金额": "amount",
    }
    columns = ["单号", "会员号", "客户姓名", "下单时间", "订单金额", "实付金额", "门店", "手机"]
    assert propose_mapping(columns, ORDER_FIELDS) == {
        "单号": "order_id",
        "会员号": "customer_id",
        "客户姓名": "name",
        "下单时间": "ordered_at",
        "实付金额": "amount",  # the paid amount before the order total
        "门店": "store",
        "手机": "phone",
    }
    english = ["order_id", "customer_id", "ordered_at", "amount", "currency"]
    assert propose_mapping(english, ORDER_FIELDS) == {column: column for column in english}


def test_apply_mapping_gives_each_field_its_non_empty_cells_in_column_order() -> None:
    columns = ["姓名", "电话", "手机", "地址", "地址 (2)", "备注"]
    mapping = {
        "姓名": "name",
        "电话": "phone",
        "手机": "phone",
        "地址": "street",
        "地址 (2)": "street",
    }
    row = apply_mapping(columns, mapping)
    assert row(["张伟", " 010-1 ", "138", "北京市", "", "x"]) == {
        "name": ["张伟"],
        "phone": ["010-1", "138"],
        "street": ["北京市"],
    }
    assert row(["", "", "", "", "", ""]) == {"name": [], "phone": [], "street": []}


def test_check_mapping_accepts_a_good_mapping_and_drops_unmapped_columns() -> None:
    columns = ["姓名", "手机", "电话"]
    assert check_mapping(
        columns, {"姓名": "name", "手机": "phone", "电话": "phone", "备注": ""}, FIELDS, ["name"]
    ) == {"姓名": "name", "手机": "phone", "电话": "phone"}


def test_check_mapping_refusals() -> None:
    columns = ["姓名", "公司", "公司 (2)", "备注"]
    assert error_of(check_mapping, columns, {"手机": "phone"}, FIELDS, ["name"]) == {
        "mapping": [
            "The file has no column “手机”. Its columns are: “姓名”, “公司”, “公司 (2)”, “备注”."
        ]
    }
    assert error_of(check_mapping, columns, {"姓名": "nickname"}, FIELDS, ["name"]) == {
        "mapping": [
            "“nickname” is not a field you can import. The fields are: name, name.family, "
            "name.given, phone, email, account, street, postcode, birthday, external_id."
        ]
    }
    twice = {"姓名": "name", "公司": "account", "公司 (2)": "account"}
    assert error_of(check_mapping, columns, twice, FIELDS, ["name"]) == {
        "mapping": ["Only one column can go into “Company”; “公司”, “公司 (2)” all do."]
    }
    # A header with no usable column: nothing feeds a name or a phone.
    assert error_of(check_mapping, columns, {"公司": "account"}, FIELDS, ["name", "phone"]) == {
        "mapping": [
            "The file has no column for Name / Phone. Map at least one column to one of them; "
            "its columns are: “姓名”, “公司”, “公司 (2)”, “备注”."
        ]
    }


def test_complete_mapping_keeps_the_users_choices_and_proposes_the_rest() -> None:
    columns = ["客户名", "手机", "备注"]
    assert complete_mapping(columns, FIELDS, {"客户名": "name", "备注": ""}) == {
        "客户名": "name",
        "手机": "phone",
    }
    # A chosen field is not proposed again for another column.
    assert complete_mapping(["姓名", "Name 2"], FIELDS, {"Name 2": "name"}) == {"Name 2": "name"}


def test_map_options_from_the_command_line() -> None:
    assert parse_map_options(["手机=phone", " 生日 = birthday", "a=b=custom.x"]) == {
        "手机": "phone",
        "生日": "birthday",
        "a=b": "custom.x",
    }
    for bad in ("phone", "=phone", "手机="):
        assert error_of(parse_map_options, [bad]) == {
            "mapping": [f"“{bad}” is not COLUMN=FIELD, e.g. --map 手机=phone."]
        }
    assert error_of(parse_map_options, ["手机=phone", "手机=email"]) == {
        "mapping": ["The column “手机” is mapped twice."]
    }


class _FakeContacts:
    """An importer as a domain registers one: managers and administrators may import."""

    kind = "contacts"
    label = "Contacts"

    def fields(self, actor: Any) -> Sequence[ImportField]:
        return FIELDS

    def check_permission(self, actor: Any) -> None:
        if actor.role not in {Role.MANAGER, Role.ADMINISTRATOR}:
            raise PermissionDeniedError("You may not import contacts.")

    def required_fields(self) -> Sequence[str]:
        return ("name", "phone")

    def write_chunk(self, context: Any, rows: Any) -> Any:
        raise NotImplementedError

    def undo(self, actor: Any, changes: Any) -> dict[str, int]:
        raise NotImplementedError


@pytest.fixture
def contacts_importer(monkeypatch: Any) -> None:
    monkeypatch.setitem(registry._IMPORTERS, "contacts", _FakeContacts())


@pytest.mark.usefixtures("contacts_importer")
def test_templates_are_saved_replaced_and_read_per_organisation(people: Any) -> None:
    first = mapping_template_save(
        actor=people.manager, kind="contacts", name=" POS  export ", mapping={"手机": "phone"}
    )
    assert (first.name, first.mapping, first.org_id) == (
        "POS export",
        {"手机": "phone"},
        people.org.pk,
    )
    again = mapping_template_save(
        actor=people.admin,
        kind="contacts",
        name="POS export",
        mapping={"手机": "phone", "会员": "external_id", "备注": ""},
    )
    assert again.pk == first.pk and MappingTemplate.objects.count() == 1
    assert mapping_template_get(people.manager, "contacts", "POS export").mapping == {
        "手机": "phone",
        "会员": "external_id",
    }
    events = AuditEvent.objects.filter(target_type="platform.mappingtemplate").order_by("pk")
    assert [(e.verb, e.actor_id) for e in events] == [
        ("platform.mapping_template.created", people.manager.pk),
        ("platform.mapping_template.replaced", people.admin.pk),
    ]
    assert events[1].changes["mapping"] == {
        "before": {"手机": "phone"},
        "after": {"手机": "phone", "会员": "external_id"},
    }
    # Another organisation neither sees nor collides with it.
    other_org = Organization.objects.create(name="Other", slug="other")
    stranger = user_create(
        actor=None,
        username="stranger",
        password="correct horse battery staple",
        org=other_org,
        role=Role.ADMINISTRATOR,
        team=None,
        check_password=False,
    )
    with pytest.raises(NotFoundError, match="There is no saved mapping “POS export”"):
        mapping_template_get(stranger, "contacts", "POS export")
    mapping_template_save(actor=stranger, kind="contacts", name="POS export", mapping={"x": "name"})
    assert MappingTemplate.objects.count() == 2


@pytest.mark.usefixtures("contacts_importer")
def test_template_permissions_and_refusals_change_nothing(people: Any) -> None:
    for user in (people.owner, people.teammate, people.outsider, people.reader):
        with pytest.raises(PermissionDeniedError):
            mapping_template_save(actor=user, kind="contacts", name="A", mapping={"手机": "phone"})
    mapping_template_save(actor=people.admin, kind="contacts", name="A", mapping={"手机": "phone"})
    with pytest.raises(PermissionDeniedError):
        mapping_template_get(people.owner, "contacts", "A")
    save = mapping_template_save
    assert error_of(
        lambda: save(actor=people.admin, kind="orders", name="A", mapping={"x": "y"})
    ) == {"kind": ["Nothing called “orders” can be imported."]}
    assert error_of(
        lambda: save(actor=people.admin, kind="contacts", name=" ", mapping={"手机": "phone"})
    ) == {"name": ["Give the mapping a name."]}
    assert error_of(
        lambda: save(actor=people.admin, kind="contacts", name="x" * 81, mapping={"a": "phone"})
    ) == {"name": ["At most 80 characters."]}
    assert error_of(
        lambda: save(actor=people.admin, kind="contacts", name="A", mapping={"手机": "fax"})
    ) == {
        "mapping": [
            "“fax” is not a field you can import. The fields are: account, birthday, email, "
            "external_id, name, name.family, name.given, phone, postcode, street."
        ]
    }
    assert error_of(
        lambda: save(actor=people.admin, kind="contacts", name="A", mapping={"手机": ""})
    ) == {"mapping": ["The mapping maps no column."]}
    assert error_of(
        lambda: save(actor=people.admin, kind="contacts", name="A", mapping=["手机"])  # type: ignore[arg-type]
    ) == {"mapping": ["A mapping pairs column names with field keys."]}
    assert MappingTemplate.objects.get().mapping == {"手机": "phone"}
    assert AuditEvent.objects.filter(target_type="platform.mappingtemplate").count() == 1
