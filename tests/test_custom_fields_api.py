"""Custom fields in the API: definitions, the typed ``custom`` object in and out, the postcode,
``custom.<key>`` list filters, identifier conflicts, and who may change values."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.customers.models import Account, Contact, CustomField
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.custom_fields import custom_field_add, custom_field_archive

CONTACTS = "/api/v1/contacts"
ACCOUNTS = "/api/v1/accounts"
FIELDS = "/api/v1/custom-fields"
EN = {"Accept-Language": "en"}


@pytest.fixture
def fields(people: Any) -> dict[str, CustomField]:
    def add(key: str, kind: str, label: str, **extra: Any) -> CustomField:
        entity = extra.pop("entity", "contact")
        return custom_field_add(
            actor=people.admin, entity=entity, key=key, kind=kind, label=label, **extra
        )

    return {
        "member_no": add("member_no", "identifier", "会员号"),
        "level": add("level", "choice", "会员等级", choices=["普通", "金卡"]),
        "spend": add("spend", "number", "Annual spend"),
        "since": add("since", "date", "Member since"),
        "vip": add("vip", "bool", "VIP"),
        "tax_no": add("tax_no", "text", "税号", entity="account"),
    }


ALL_EMPTY = {"member_no": None, "level": None, "spend": None, "since": None, "vip": None}


def test_definitions_are_listed_for_everyone_using_the_api(
    people: Any, api_for: Any, fields: dict[str, CustomField]
) -> None:
    custom_field_archive(actor=people.admin, field=fields["spend"])
    for user in (people.admin, people.owner, people.outsider, people.reader):
        response = api_for(user).get(FIELDS, {"entity": "account"})
        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "entity": "account",
                    "key": "tax_no",
                    "label": "税号",
                    "kind": "text",
                    "choices": [],
                    "position": 0,
                }
            ]
        }
    listed = api_for(people.owner).get(FIELDS).json()["items"]
    assert [(f["entity"], f["key"]) for f in listed] == [
        ("account", "tax_no"),
        ("contact", "member_no"),
        ("contact", "level"),
        ("contact", "since"),
        ("contact", "vip"),
    ]
    assert listed[2]["choices"] == ["普通", "金卡"]
    assert api_for(None).get(FIELDS).status_code == 401
    assert api_for(people.owner).get(FIELDS, {"entity": "order"}).status_code == 422


def test_custom_values_in_and_out_typed_per_kind(
    people: Any, api_for: Any, fields: dict[str, CustomField]
) -> None:
    api = api_for(people.owner)
    body = {
        "name": "张伟",
        "postcode": "200120",
        "custom": {"member_no": "M-1", "spend": "1,250.50", "since": "2026/1/3", "vip": True},
    }
    response = api.post(CONTACTS, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["postcode"] == "200120"
    assert created["custom"] == {
        "member_no": "M-1",
        "level": None,
        "spend": "1250.50",
        "since": "2026-01-03",
        "vip": True,
    }
    url = f"{CONTACTS}/{created['id']}"
    patched = api.patch(url, {"version": 1, "custom": {"level": "金卡", "spend": None, "vip": ""}})
    assert patched.status_code == 200, patched.content
    assert patched.json()["custom"] == {
        "member_no": "M-1",
        "level": "金卡",
        "spend": None,
        "since": "2026-01-03",
        "vip": None,
    }
    assert api.get(url).json()["custom"]["level"] == "金卡"
    contact = Contact.objects.get()
    assert contact.custom == {"member_no": "M-1", "level": "金卡", "since": "2026-01-03"}
    # A PATCH without ``custom`` leaves the values alone.
    assert api.patch(url, {"version": 2, "title": "店长"}).json()["custom"]["level"] == "金卡"
    # Every active field is in the object, null where the record holds no value.
    assert api.post(CONTACTS, {"name": "李娜"}).json()["custom"] == ALL_EMPTY


@pytest.mark.parametrize(
    ("custom", "errors"),
    [
        ({"shoe_size": "42"}, {"custom.shoe_size": ["No custom field “shoe_size”."]}),
        ({"spend": "lots"}, {"custom.spend": ["“lots” is not a number."]}),
        ({"level": "钻石"}, {"custom.level": ["Choose one of: 普通, 金卡."]}),
        ({"tax_no": "1"}, {"custom.tax_no": ["No custom field “tax_no”."]}),
    ],
)
def test_bad_custom_values_are_422_problems(
    people: Any, api_for: Any, fields: dict[str, CustomField], custom: Any, errors: Any
) -> None:
    response = api_for(people.owner).post(CONTACTS, {"name": "张伟", "custom": custom}, **EN)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == errors
    assert Contact.objects.count() == 0


def test_numbers_are_decimal_strings_not_json_numbers(
    people: Any, api_for: Any, fields: dict[str, CustomField]
) -> None:
    response = api_for(people.owner).post(CONTACTS, {"name": "张伟", "custom": {"spend": 12.5}})
    assert response.status_code == 422
    assert Contact.objects.count() == 0


def test_a_taken_identifier_is_a_field_error_naming_only_visible_holders(
    people: Any, api_for: Any, fields: dict[str, CustomField]
) -> None:
    contact_create(actor=people.owner, name="张伟", visibility="owner", custom={"member_no": "M-1"})
    body = {"name": "王芳", "custom": {"member_no": "M-1"}}
    mine = api_for(people.owner).post(CONTACTS, body, **EN)
    theirs = api_for(people.outsider).post(CONTACTS, body, **EN)
    assert mine.status_code == theirs.status_code == 422
    assert mine.json()["errors"] == {
        "custom.member_no": ["Already used by another customer, “张伟”."]
    }
    assert theirs.json()["errors"] == {"custom.member_no": ["Already used by another customer."]}
    assert Contact.objects.count() == 1


def test_values_follow_record_edit_rights(
    people: Any, api_for: Any, fields: dict[str, CustomField]
) -> None:
    contact = contact_create(
        actor=people.owner, name="张伟", visibility="team", custom={"level": "普通"}
    )
    url = f"{CONTACTS}/{contact.public_id}"
    body = {"version": 1, "custom": {"level": "金卡"}}
    assert api_for(people.outsider).patch(url, body).status_code == 404
    assert api_for(people.reader).patch(url, body).status_code == 403
    assert api_for(None).patch(url, body).status_code == 401
    contact.refresh_from_db()
    assert (contact.custom, contact.version) == ({"level": "普通"}, 1)
    assert api_for(people.teammate).patch(url, body).status_code == 200
    contact.refresh_from_db()
    assert contact.custom == {"level": "金卡"}


def test_lists_filter_by_custom_values(
    people: Any, api_for: Any, fields: dict[str, CustomField]
) -> None:
    api = api_for(people.owner)
    for name, custom in (
        ("张伟", {"level": "金卡", "vip": True, "since": "2026-01-03"}),
        ("王芳", {"level": "普通", "vip": False}),
        ("李娜", {}),
    ):
        assert api.post(CONTACTS, {"name": name, "custom": custom}).status_code == 201

    def names(**params: str) -> list[str]:
        response = api.get(CONTACTS, params)
        assert response.status_code == 200, response.content
        return sorted(item["name"] for item in response.json()["items"])

    assert names(**{"custom.level": "金卡"}) == ["张伟"]
    assert names(**{"custom.vip": "false"}) == ["王芳"]
    assert names(**{"custom.vip": "true", "custom.since": "2026-01-03"}) == ["张伟"]
    assert names(**{"custom.level": ""}) == ["张伟", "李娜", "王芳"]
    assert names(**{"custom.level": "金卡", "q": "王芳"}) == []
    unknown = api.get(CONTACTS, {"custom.shoe_size": "42"}, **EN)
    assert unknown.status_code == 422
    assert unknown["Content-Type"] == "application/problem+json"
    assert unknown.json()["errors"] == {"custom.shoe_size": ["No custom field “shoe_size”."]}
    bad = api.get(CONTACTS, {"custom.since": "yesterday"}, **EN)
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"custom.since": ["“yesterday” is not a date."]}


def test_accounts_carry_custom_values_postcode_and_filters(
    people: Any, api_for: Any, fields: dict[str, CustomField]
) -> None:
    api = api_for(people.owner)
    created = api.post(
        ACCOUNTS, {"name": "华联", "postcode": "200000", "custom": {"tax_no": "9131"}}
    )
    assert created.status_code == 201, created.content
    assert (created.json()["postcode"], created.json()["custom"]) == ("200000", {"tax_no": "9131"})
    api.post(ACCOUNTS, {"name": "联华"})
    found = api.get(ACCOUNTS, {"custom.tax_no": "9131"}).json()["items"]
    assert [item["name"] for item in found] == ["华联"]
    assert api.get(ACCOUNTS, {"custom.member_no": "1"}).status_code == 422
    url = f"{ACCOUNTS}/{created.json()['id']}"
    patched = api.patch(url, {"version": 1, "postcode": None, "custom": {"tax_no": None}})
    assert patched.status_code == 200
    assert (patched.json()["postcode"], patched.json()["custom"]) == ("", {"tax_no": None})
    assert Account.objects.get(name="华联").custom == {}


def test_records_without_fields_show_an_empty_custom_object(people: Any, api_for: Any) -> None:
    response = api_for(people.owner).post(CONTACTS, {"name": "张伟"})
    assert response.status_code == 201
    assert (response.json()["custom"], response.json()["postcode"]) == ({}, "")


def test_the_openapi_document_describes_custom_values(api_for: Any, people: Any) -> None:
    spec = api_for(people.owner).get("/api/v1/openapi.json").json()
    assert "/api/v1/custom-fields" in spec["paths"]
    listing = spec["paths"]["/api/v1/contacts"]["get"]
    assert "custom.<key>=value" in listing["description"]
