"""What a column of a contact sheet may be mapped to, and the header words that propose it.

Aliases are lower-case; the mapping step compares them with the headers people actually write:
Chinese POS and Excel exports (姓名, 手机, 会员号), English CRMs (Full Name, E-mail) and the columns
the vCard reader makes of a phone address book (``N family``, ``TEL 1``, ``ADR street``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from guanxi.customers.custom_fields import custom_fields_of
from guanxi.customers.models import CustomField, CustomFieldKind
from guanxi.platform.imports.registry import ImportField

# At least one of these must be mapped: a row names a person or says how to reach them.
REQUIRED_ANY = ("name", "name.family", "name.given", "phone", "email")
NUMBERED = range(1, 11)


def _numbered(*words: str) -> tuple[str, ...]:
    return tuple(f"{word} {n}" for word in words for n in NUMBERED) + tuple(
        f"{word}{n}" for word in words for n in NUMBERED
    )


def place_fields() -> list[ImportField]:
    """Where a customer is: the same columns and header words for contacts and accounts."""
    return [
        ImportField("province", _("Province"), ("省", "省份", "province", "state")),
        ImportField("city", _("City"), ("市", "城市", "city")),
        ImportField("district", _("District"), ("区", "区县", "district", "county")),
        ImportField(
            "street",
            _("Street address"),
            ("地址", "详细地址", "街道", "address", "street", "adr street"),
            several=True,
        ),
        ImportField(
            "postcode",
            _("Postcode"),
            ("邮编", "邮政编码", "zip", "zip code", "postcode", "postal code", "adr postcode"),
        ),
    ]


def tags_and_owner_fields() -> list[ImportField]:
    return [
        ImportField("tags", _("Tags"), ("标签", "tags", "tag"), several=True),
        ImportField("owner", _("Owner (user name)"), ("负责人", "owner")),
    ]


def _built_in() -> list[ImportField]:
    return [
        ImportField(
            "name",
            _("Name"),
            (
                "姓名",
                "客户姓名",
                "客户名称",
                "名字",
                "联系人",
                "name",
                "full name",
                "customer name",
                "fn",
            ),
        ),
        ImportField(
            "name.family",
            _("Family name"),
            ("姓", "姓氏", "last name", "family name", "surname", "n family"),
        ),
        ImportField(
            "name.given",
            _("Given name"),
            ("名", "first name", "given name", "n given"),
        ),
        ImportField(
            "phone",
            _("Phone"),
            (
                "手机",
                "手机号",
                "手机号码",
                "电话",
                "电话号码",
                "联系电话",
                "联系方式",
                "座机",
                "mobile",
                "phone",
                "telephone",
                "tel",
                "cell",
                *_numbered("tel", "phone", "手机", "电话"),
            ),
            several=True,
        ),
        ImportField(
            "email",
            _("E-mail"),
            ("邮箱", "电子邮件", "电子邮箱", "e-mail", "email", *_numbered("email", "邮箱")),
            several=True,
        ),
        ImportField("title", _("Job title"), ("职位", "职务", "title", "job title")),
        ImportField(
            "account",
            _("Company"),
            ("公司", "单位", "企业", "公司名称", "company", "organization", "organisation", "org"),
        ),
        ImportField("account_role", _("Role at the account"), ("角色", "role")),
        ImportField("wechat_id", _("WeChat ID"), ("微信", "微信号", "wechat", "wechat id")),
        ImportField(
            "birthday", _("Birthday"), ("生日", "出生日期", "birthday", "date of birth", "bday")
        ),
        ImportField("gender", _("Gender"), ("性别", "gender", "sex")),
        ImportField("source", _("Source"), ("来源", "客户来源", "source")),
        ImportField(
            "external_id",
            _("External id"),
            ("客户编号", "客户号", "外部编号", "customer id", "external id", "uid"),
        ),
        *place_fields(),
        ImportField("description", _("Notes"), ("备注", "说明", "note", "notes")),
        *tags_and_owner_fields(),
    ]


def custom_import_field(definition: CustomField) -> ImportField:
    key = f"custom.{definition.key}"
    return ImportField(key, definition.label, (definition.label.lower(), definition.key.lower()))


def with_custom_fields(actor: Any, entity: str, built_in: list[ImportField]) -> list[ImportField]:
    """Built-in fields, then the organisation's active custom fields of ``entity`` (their label
    and key propose them: a field labelled 会员号 takes the 会员号 column)."""
    custom = custom_fields_of(actor.org_id, entity)
    return built_in + [custom_import_field(definition) for definition in custom]


def contact_import_fields(actor: Any) -> list[ImportField]:
    return with_custom_fields(actor, "contact", _built_in())


def identifier_fields(definitions: list[CustomField]) -> list[CustomField]:
    return [d for d in definitions if d.kind == CustomFieldKind.IDENTIFIER]
