"""Chinese names in pinyin order, spaced-pinyin search, phone kinds, the national region list and
one way of writing numbers and money."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from guanxi.core.errors import ServiceValidationError
from guanxi.core.templatetags.formatting import money, number, percent
from guanxi.customers import demo, regions
from guanxi.customers.models import Account, Contact, ContactPhone
from guanxi.customers.names import sort_key
from guanxi.customers.services.accounts import account_create, account_update
from guanxi.customers.services.contacts import contact_create, contact_update
from guanxi.customers.services.imported import ImportedCustomer, contacts_create_imported
from guanxi.platform.models import AuditEvent

NAMES = ["张伟", "李娜", "王芳", "阿里", "Zoe", "欧阳"]
PINYIN_ORDER = ["阿里", "李娜", "欧阳", "王芳", "张伟", "Zoe"]
MIGRATION = importlib.import_module(
    "guanxi.customers.migrations.0006_pinyin_sort_keys_and_landline_phones"
)


def _client(user: Any, language: str = "zh-hans") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def _listed(response: Any) -> list[str]:
    return [record.name for record in response.context["page"].object_list]


# Sorting -------------------------------------------------------------------------------------


def test_sort_key_puts_syllables_first_and_keeps_the_name() -> None:
    assert sort_key("张伟") == "zhang wei\x1f张伟"
    assert sort_key("Zoë  Adams") == "zoe adams\x1fZoë Adams"
    assert sorted(["林", "李娜", "李"], key=sort_key) == ["李", "李娜", "林"]


def test_contact_and_account_lists_sort_by_pinyin(people: Any) -> None:
    for name in NAMES:
        contact_create(actor=people.owner, name=name)
        account_create(actor=people.owner, name=name)
    client = _client(people.owner)
    for path in ("/contacts/", "/accounts/"):
        assert _listed(client.get(path, {"sort": "name"})) == PINYIN_ORDER
        assert _listed(client.get(path, {"sort": "-name"})) == PINYIN_ORDER[::-1]


def test_every_writer_keeps_the_sort_key(people: Any) -> None:
    contact = contact_create(actor=people.owner, name="王芳")
    contact = contact_update(actor=people.owner, contact=contact, version=1, name="欧阳")
    account = account_create(actor=people.owner, name="阿里")
    account = account_update(actor=people.owner, account=account, version=1, name="Zoe")
    ids = contacts_create_imported(
        actor=people.owner, customers=[ImportedCustomer(external_id="A1", name="李娜")]
    )
    demo.generate(org_id=people.org.pk, owner_ids=[people.owner.pk], contacts=20, seed=3)
    assert Contact.objects.get(pk=contact.pk).sort_key == "ou yang\x1f欧阳"
    assert Account.objects.get(pk=account.pk).sort_key == "zoe\x1fZoe"
    assert Contact.objects.get(pk=ids["A1"]).sort_key == "li na\x1f李娜"
    for model in (Contact, Account):
        rows = list(model.objects.values_list("name", "sort_key"))
        assert len(rows) > 2
        assert all(key == sort_key(name) for name, key in rows)


def test_migration_fills_missing_keys_and_can_run_again(people: Any) -> None:
    for name in NAMES:
        contact_create(actor=people.owner, name=name)
    account_create(actor=people.owner, name="张伟")
    Contact.objects.update(sort_key="")
    Account.objects.update(sort_key="")
    MIGRATION.fill_sort_keys(django_apps, None)
    MIGRATION.fill_sort_keys(django_apps, None)
    assert sorted(Contact.objects.values_list("sort_key", flat=True)) == sorted(
        sort_key(name) for name in NAMES
    )
    assert Account.objects.get().sort_key == "zhang wei\x1f张伟"


# Search --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zhang wei", ["张伟", "张伟明"]),
        ("Zhang Wei", ["张伟", "张伟明"]),
        ("zhangwei", ["张伟", "张伟明"]),
        ("zhang wei ming", ["张伟明"]),
        ("zw", ["张伟", "张伟明"]),
        ("z w m", ["张伟明"]),
        ("张", ["张伟", "张伟明"]),
        ("张伟", ["张伟", "张伟明"]),
        ("张伟明", ["张伟明"]),
        ("伟明", ["张伟明"]),
        ("li na", ["李娜"]),
        ("jean pierre", ["Jean-Pierre Martin"]),
        ("jean-pierre", ["Jean-Pierre Martin"]),
        ("wang", []),
    ],
)
def test_search_finds_spaced_pinyin_initials_and_short_chinese(
    people: Any, api_for: Any, query: str, expected: list[str]
) -> None:
    for name in ("张伟", "张伟明", "李娜", "Jean-Pierre Martin"):
        contact_create(actor=people.owner, name=name)
    found = api_for(people.owner).get("/api/v1/contacts", {"q": query}).json()["items"]
    assert sorted(c["name"] for c in found) == expected
    page = _client(people.owner).get("/contacts/", {"q": query, "sort": "name"})
    assert _listed(page) == expected


# Phones --------------------------------------------------------------------------------------


def test_contact_form_offers_phone_rows_with_a_kind(people: Any) -> None:
    html = _client(people.owner, "en").get("/contacts/new/").content.decode()
    assert html.count('name="phone_kind_') == 3 and html.count('name="phone_') == 6
    assert '<option value="" selected>Detect</option>' in html
    assert '<option value="landline">Landline</option>' in html
    assert 'for="id_phone_kind_0"' in html and 'for="id_phone_0"' in html


def test_contact_form_infers_landline_and_keeps_a_chosen_kind(people: Any) -> None:
    client = _client(people.owner, "en")
    response = client.post(
        "/contacts/new/",
        {
            "name": "张伟",
            "visibility": "org",
            "phone_0": "021 6234 5678",
            "phone_kind_0": "",
            "phone_1": "138 0013 8000",
            "phone_kind_1": "",
            "phone_2": "010 8888 6666",
            "phone_kind_2": "home",
            "phone_3": "",
            "phone_kind_3": "",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert [(p.number, p.kind) for p in contact.phones.all()] == [
        ("+862162345678", "landline"),
        ("+8613800138000", "mobile"),
        ("+861088886666", "home"),
    ]
    edit = client.get(f"/contacts/{contact.public_id}/edit/")
    html = edit.content.decode()
    assert html.count('name="phone_kind_') == 5  # three saved, two empty
    assert 'value="021 6234 5678"' in html
    assert '<option value="landline" selected>Landline</option>' in html


def test_contact_form_refuses_a_bad_number_beside_its_row(people: Any) -> None:
    response = _client(people.owner, "en").post(
        "/contacts/new/",
        {"name": "张伟", "visibility": "org", "phone_0": "", "phone_1": "hello"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["phone_1"] == ["“hello” is not a valid phone number."]
    assert not Contact.objects.exists()


def test_phone_form_permissions(people: Any) -> None:
    contact = contact_create(
        actor=people.owner, name="张伟", visibility="owner", phones=["13800138000"]
    )
    edit = f"/contacts/{contact.public_id}/edit/"
    change = {"name": "张伟", "visibility": "owner", "version": "1", "phone_0": "021 6234 5678"}
    assert _client(people.outsider).post(edit, change).status_code == 404
    assert _client(people.reader).post("/contacts/new/", change).status_code == 403
    anonymous = Client().post(edit, change)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert [(p.number, p.kind) for p in ContactPhone.objects.all()] == [
        ("+8613800138000", "mobile")
    ]
    assert Contact.objects.get().version == 1


@pytest.mark.parametrize(
    ("phone", "kind"),
    [
        ("021 6234 5678", "landline"),
        ({"number": "021 6234 5678"}, "landline"),
        ({"number": "021 6234 5678", "kind": ""}, "landline"),
        ("13800138000", "mobile"),
        ("400 810 8888", "work"),
        ({"number": "13800138000", "kind": "home"}, "home"),
    ],
)
def test_api_infers_the_kind_of_a_bare_number(
    people: Any, api_for: Any, phone: Any, kind: str
) -> None:
    response = api_for(people.owner).post("/api/v1/contacts", {"name": "张伟", "phones": [phone]})
    assert response.status_code == 201
    assert [p["kind"] for p in response.json()["phones"]] == [kind]


def test_api_refuses_an_unknown_phone_kind(people: Any, api_for: Any) -> None:
    response = api_for(people.owner).post(
        "/api/v1/contacts", {"name": "张伟", "phones": [{"number": "13800138000", "kind": "fax"}]}
    )
    assert response.status_code == 422
    assert not Contact.objects.exists()


# Regions -------------------------------------------------------------------------------------


def test_national_list_is_complete_enough() -> None:
    provinces = regions.provinces()
    assert len(provinces) == 34
    assert [p.name for p in provinces[:3]] == ["北京市", "天津市", "河北省"]
    guangdong = regions.find(provinces, "广东")
    assert guangdong is not None and (guangdong.code, guangdong.en) == ("440000", "Guangdong")
    assert len(regions.cities_of("广东省")) == 21
    assert "天河区" in [d.name for d in regions.districts_of("广东省", "广州市")]


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        (("上海", "", ""), ("上海市", "上海市", "")),
        (("广东", "广州", "天河"), ("广东省", "广州市", "天河区")),
        (("Guangdong", "", ""), ("广东省", "", "")),
        (("440000", "深圳市", "南山区"), ("广东省", "深圳市", "南山区")),
        (("内蒙古", "", ""), ("内蒙古自治区", "", "")),
        (("贵州", "黔南", ""), ("贵州省", "黔南布依族苗族自治州", "")),
        (("广东省", "东莞市", "长安镇"), ("广东省", "东莞市", "长安镇")),
        (("香港", "九龙", ""), ("香港特别行政区", "九龙", "")),
        (("", "", ""), ("", "", "")),
    ],
)
def test_region_normalisation(given: tuple[str, str, str], normalised: tuple[str, ...]) -> None:
    assert regions.normalize_region(*given) == normalised


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        (("火星", "", ""), "province", "“火星” is not a province, region or municipality of China."),
        (("广", "", ""), "province", "“广” is not a province, region or municipality of China."),
        (("浙江省", "广州市", ""), "city", "“广州市” is not a city of 浙江省."),
        (("广东省", "广州市", "浦东新区"), "district", "“浦东新区” is not a district or county of 广州市."),
        (("广东省", "", "天河区"), "city", "Choose the city first."),
        (("", "广州市", ""), "province", "Choose the province first."),
    ],
)
def test_region_refusals(
    english: Any, given: tuple[str, str, str], field: str, message: str
) -> None:
    with pytest.raises(ServiceValidationError) as refused:
        regions.normalize_region(*given)
    assert refused.value.field_errors == {field: [message]}


def test_services_normalise_and_refuse_regions(people: Any, api_for: Any, english: Any) -> None:
    contact = contact_create(actor=people.owner, name="张伟", province="上海", district="浦东")
    assert (contact.province, contact.city, contact.district) == ("上海市", "上海市", "浦东新区")
    account = account_create(actor=people.owner, name="华为", province="广东", city="深圳")
    assert (account.province, account.city) == ("广东省", "深圳市")
    api = api_for(people.owner)
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceValidationError):
        contact_create(actor=people.owner, name="李娜", province="火星")
    response = api.patch(
        f"/api/v1/accounts/{account.public_id}",
        {"version": 1, "city": "杭州市"},
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"city": ["“杭州市” is not a city of 广东省."]}
    assert Account.objects.get().city == "深圳市" and Contact.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_free_text_saved_before_the_list_stays(people: Any) -> None:
    contact = contact_create(actor=people.owner, name="张伟")
    Contact.objects.filter(pk=contact.pk).update(province="华东", city="魔都")
    contact = contact_update(actor=people.owner, contact=contact, version=1, name="张伟明")
    assert (contact.province, contact.city) == ("华东", "魔都")
    html = _client(people.owner).get(f"/contacts/{contact.public_id}/edit/").content.decode()
    assert '<option value="华东" selected>华东</option>' in html
    assert 'name="city" value="魔都"' in html


def test_region_endpoint_answers_the_next_level(people: Any) -> None:
    client = _client(people.owner)
    cities = client.get("/regions/", {"province": "广东省"}).content.decode()
    assert '<option value="广州市">广州市</option>' in cities
    assert '<option value="广东省" selected>广东省</option>' in cities
    assert 'hx-get="/regions/"' in cities and 'hx-target="closest fieldset"' in cities
    districts = client.get("/regions/", {"province": "广东省", "city": "广州市"}).content.decode()
    assert '<option value="天河区">天河区</option>' in districts
    moved = client.get(
        "/regions/", {"province": "浙江省", "city": "广州市", "district": "天河区"}
    ).content.decode()
    assert '<option value="杭州市">杭州市</option>' in moved
    assert "广州市" not in moved and "天河区" not in moved
    english = _client(people.owner, "en").get("/regions/", {"province": "上海市"})
    assert '<option value="上海市" selected>Shanghai (上海市)</option>' in english.content.decode()
    assert Client().get("/regions/", {"province": "广东省"}).status_code == 302


def test_list_filter_offers_the_provinces_and_matches_short_forms(people: Any) -> None:
    contact_create(actor=people.owner, name="张伟", province="上海市")
    contact_create(actor=people.owner, name="李娜", province="广东省")
    client = _client(people.owner)
    page = client.get("/contacts/", {"province": "上海"})
    assert _listed(page) == ["张伟"]
    html = page.content.decode()
    assert '<option value="上海市" selected>上海市</option>' in html
    assert html.count('<option value="') >= 34


# Numbers and money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("1234.5"), "CNY", "¥1,234.50"),
        (1234, "CNY", "¥1,234.00"),
        (1234.505, "CNY", "¥1,234.51"),
        (Decimal("-0.004"), "CNY", "¥0.00"),
        (Decimal("-1234567.891"), "CNY", "-¥1,234,567.89"),
        (Decimal("99"), "USD", "US$99.00"),
        (Decimal("5"), "THB", "THB 5.00"),
        (None, "CNY", "—"),
    ],
)
def test_money_filter(value: Any, currency: str, shown: str) -> None:
    assert money(value, currency) == shown


def test_number_and_percent_filters_in_a_template() -> None:
    assert number(1234) == "1,234"
    assert number(Decimal("1234.56"), 1) == "1,234.6"
    assert number(None) == "—" and number("n/a") == "—"
    assert percent(0.125) == "13%" and percent(0.125, 1) == "12.5%"
    template = Template(
        "{% load formatting %}{{ amount|money }} · {{ n|number }} · {{ usd|money:'USD' }}"
    )
    context = Context({"amount": Decimal("1234.5"), "n": 1234567, "usd": 3})
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert template.render(context) == "¥1,234.50 · 1,234,567 · US$3.00"


def test_list_pager_writes_the_count_with_separators(people: Any) -> None:
    contact_create(actor=people.owner, name="张伟")
    html = _client(people.owner, "en").get("/contacts/").content.decode()
    assert "Page 1 of 1 · 1 record" in html
