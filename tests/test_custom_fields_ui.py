"""Custom fields in the web UI: the administrators' settings page, the fields on the contact and
account forms, the values on the 360 pages, and ``custom.<key>`` filters on the lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from guanxi.customers.models import Account, Contact, CustomField
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.custom_fields import custom_field_add
from guanxi.platform.models import AuditEvent


def client_for(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


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
        "spend": add("spend", "number", "年消费"),
        "since": add("since", "date", "入会日期"),
        "vip": add("vip", "bool", "贵宾"),
        "tax_no": add("tax_no", "text", "税号", entity="account"),
    }


def html_of(response: Any) -> str:
    return response.content.decode()


# Settings page ---------------------------------------------------------------------------------


def test_settings_page_is_for_administrators_only(people: Any, fields: Any) -> None:
    page = client_for(people.admin).get("/settings/fields/")
    assert page.status_code == 200
    html = html_of(page)
    assert html.index("会员号") < html.index("会员等级") < html.index("税号")
    assert 'href="/settings/fields/"' in html  # linked from the top bar
    for user in (people.owner, people.teammate, people.outsider, people.manager, people.reader):
        client = client_for(user)
        assert client.get("/settings/fields/").status_code == 403
        assert 'href="/settings/fields/"' not in html_of(client.get("/contacts/"))
        denied = client.post(
            "/settings/fields/new/",
            {"entity": "contact", "key": "shoe", "label": "Shoe", "kind": "text"},
        )
        assert denied.status_code == 403
        archive = f"/settings/fields/{fields['vip'].public_id}/archive/"
        assert client.post(archive).status_code == 403
    anonymous = client_for(None).get("/settings/fields/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert CustomField.objects.count() == 6
    assert not CustomField.objects.filter(archived=True).exists()


def test_administrator_adds_edits_archives_and_restores(people: Any) -> None:
    client = client_for(people.admin)
    form = client.get("/settings/fields/new/?entity=account")
    assert '<option value="account" selected>' in html_of(form)
    added = client.post(
        "/settings/fields/new/",
        {
            "entity": "contact",
            "key": "level",
            "label": "会员等级",
            "kind": "choice",
            "choices": "普通\n 金卡 \n\n钻石",
        },
    )
    assert added.status_code == 302 and added["Location"] == "/settings/fields/"
    level = CustomField.objects.get()
    assert (level.entity, level.key, level.kind, level.choices) == (
        "contact",
        "level",
        "choice",
        ["普通", "金卡", "钻石"],
    )
    refused = client.post(
        "/settings/fields/new/",
        {"entity": "contact", "key": "Level!", "label": "x", "kind": "text"},
    )
    assert refused.status_code == 422
    assert "Use lower-case letters, digits and single underscores" in html_of(refused)
    assert CustomField.objects.count() == 1

    edit_url = f"/settings/fields/{level.public_id}/"
    assert "钻石" in html_of(client.get(edit_url))
    edited = client.post(edit_url, {"label": "等级", "choices": "普通\n金卡", "position": "3"})
    assert edited.status_code == 302
    level.refresh_from_db()
    assert (level.label, level.choices, level.position) == ("等级", ["普通", "金卡"], 3)

    archive_url = f"/settings/fields/{level.public_id}/archive/"
    confirm = client.get(archive_url)
    assert confirm.status_code == 200 and "Archive “等级”?" in html_of(confirm)
    level.refresh_from_db()
    assert level.archived is False  # asking is not archiving
    assert client.post(archive_url).status_code == 302
    level.refresh_from_db()
    assert level.archived is True
    assert "(archived)" in html_of(client.get("/settings/fields/"))
    assert client.post(f"/settings/fields/{level.public_id}/restore/").status_code == 302
    level.refresh_from_db()
    assert level.archived is False
    verbs = AuditEvent.objects.filter(target_type="customers.customfield").order_by("pk")
    assert list(verbs.values_list("verb", flat=True)) == [
        "customers.custom_field.added",
        "customers.custom_field.changed",
        "customers.custom_field.archived",
        "customers.custom_field.restored",
    ]


# Forms -----------------------------------------------------------------------------------------


def test_contact_form_shows_each_kind_with_its_widget_and_the_postcode(
    people: Any, fields: Any
) -> None:
    html = html_of(client_for(people.owner).get("/contacts/new/"))
    assert re.search(r'<input type="text" name="custom.member_no"[^>]*maxlength="100"', html)
    assert re.search(r'<select name="custom.level"[^>]*>\s*<option value="" selected>—', html)
    assert '<option value="金卡">金卡</option>' in html
    assert re.search(r'<input type="number" name="custom.spend"[^>]*step="any"', html)
    assert re.search(r'<input type="date" name="custom.since"', html)
    assert re.search(r'<input type="checkbox" name="custom.vip"', html)
    assert re.search(r'<input type="text" name="postcode"[^>]*maxlength="12"', html)
    assert "税号" not in html  # an account field
    # Custom fields come after the address (postcode beside the street) and before the tags.
    assert html.index('name="street"') < html.index('name="postcode"')
    assert html.index('name="postcode"') < html.index('name="custom.member_no"')
    assert html.index('name="custom.vip"') < html.index('name="tags"')


def test_contact_form_saves_values_and_shows_refusals_beside_the_field(
    people: Any, fields: Any
) -> None:
    client = client_for(people.owner)
    base = {"name": "张伟", "visibility": "org", "postcode": "200120"}
    refused = client.post("/contacts/new/", {**base, "custom.spend": "lots"})
    assert refused.status_code == 422
    assert re.search(
        r'name="custom.spend".*?<small class="error" role="alert">“lots” is not a number.</small>',
        html_of(refused),
        re.S,
    )
    assert Contact.objects.count() == 0
    saved = client.post(
        "/contacts/new/",
        {
            **base,
            "custom.member_no": "M-1",
            "custom.level": "金卡",
            "custom.spend": "12.50",
            "custom.since": "2026-01-03",
            "custom.vip": "on",
        },
    )
    assert saved.status_code == 302
    contact = Contact.objects.get()
    assert contact.postcode == "200120"
    assert contact.custom == {
        "member_no": "M-1",
        "level": "金卡",
        "spend": "12.50",
        "since": "2026-01-03",
        "vip": True,
    }
    edit = html_of(client.get(f"/contacts/{contact.public_id}/edit/"))
    assert re.search(r'name="custom.member_no" value="M-1"', edit)
    assert re.search(r'<input type="checkbox" name="custom.vip"[^>]*checked', edit)
    assert re.search(r'name="postcode" value="200120"', edit)

    # Unticking clears the yes/no; an emptied box removes its value.
    edited = client.post(
        f"/contacts/{contact.public_id}/edit/",
        {**base, "version": "1", "custom.member_no": "M-1", "custom.level": "金卡"},
    )
    assert edited.status_code == 302
    contact.refresh_from_db()
    assert contact.custom == {"member_no": "M-1", "level": "金卡", "vip": False}

    taken = client.post("/contacts/new/", {**base, "name": "王芳", "custom.member_no": "M-1"})
    assert taken.status_code == 422
    assert "Already used by another customer, “张伟”." in html_of(taken)
    assert Contact.objects.count() == 1


def test_an_untouched_yes_no_stays_empty(people: Any, fields: Any) -> None:
    saved = client_for(people.owner).post("/contacts/new/", {"name": "张伟", "visibility": "org"})
    assert saved.status_code == 302
    assert Contact.objects.get().custom == {}


def test_account_form_and_360_page(people: Any, fields: Any) -> None:
    client = client_for(people.owner)
    form = html_of(client.get("/accounts/new/"))
    assert 'name="custom.tax_no"' in form and 'name="custom.member_no"' not in form
    saved = client.post(
        "/accounts/new/",
        {"name": "华联", "visibility": "org", "postcode": "200000", "custom.tax_no": "9131"},
    )
    assert saved.status_code == 302
    account = Account.objects.get()
    assert (account.postcode, account.custom) == ("200000", {"tax_no": "9131"})
    page = html_of(client.get(f"/accounts/{account.public_id}/"))
    assert "<dt>Postcode</dt><dd>200000</dd>" in page
    assert "<dt>税号</dt><dd>9131</dd>" in page


def test_contact_360_shows_values_with_labels(people: Any, fields: Any) -> None:
    contact = contact_create(
        actor=people.owner,
        name="张伟",
        postcode="200120",
        custom={"level": "金卡", "since": "2026-01-03", "vip": True, "spend": "12.50"},
    )
    page = html_of(client_for(people.owner).get(f"/contacts/{contact.public_id}/"))
    assert "<dt>Postcode</dt><dd>200120</dd>" in page
    assert (
        "<dt>会员等级</dt><dd>金卡</dd><dt>年消费</dt><dd>12.50</dd>"
        "<dt>入会日期</dt><dd>Jan. 3, 2026</dd><dt>贵宾</dt><dd>Yes</dd>"
    ) in page
    assert "<dt>会员号</dt>" not in page  # no value, no row


# Lists -----------------------------------------------------------------------------------------


def test_lists_filter_by_custom_values(people: Any, fields: Any) -> None:
    contact_create(actor=people.owner, name="张伟", custom={"level": "金卡", "vip": True})
    contact_create(actor=people.owner, name="王芳", custom={"level": "普通"})
    contact_create(actor=people.outsider, name="李娜", visibility="owner", custom={"level": "金卡"})
    account_create(actor=people.owner, name="华联", custom={"tax_no": "9131"})
    account_create(actor=people.owner, name="联华")
    client = client_for(people.owner)

    page = html_of(client.get("/contacts/", {"custom.level": "金卡"}))
    assert "张伟" in page and "王芳" not in page and "李娜" not in page
    assert '<option value="金卡" selected>金卡</option>' in page
    assert "张伟" in html_of(client.get("/contacts/", {"custom.vip": "true"}))
    assert "王芳" not in html_of(client.get("/contacts/", {"custom.vip": "true"}))
    accounts = html_of(client.get("/accounts/", {"custom.tax_no": "9131"}))
    assert "华联" in accounts and "联华<" not in accounts
    assert 'name="custom.tax_no" value="9131"' in accounts

    unknown = html_of(client.get("/contacts/", {"custom.shoe_size": "42"}))
    assert "No custom field “shoe_size”." in unknown
    assert "张伟" not in unknown and "王芳" not in unknown
