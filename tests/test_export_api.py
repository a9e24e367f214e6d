"""Exports over the API (``/api/v1/contacts/export``) and from the list pages' Export menu."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent

BOM = "\ufeff".encode()
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def shop(people: Any) -> dict[str, Any]:
    secret = account_create(actor=people.owner, name="保密公司", visibility="owner")
    zhang = contact_create(
        actor=people.owner, name="张伟", phones=["13800138001"], account=secret, province="上海"
    )
    li = contact_create(actor=people.owner, name="李娜", province="广东", visibility="team")
    wang = contact_create(actor=people.outsider, name="王芳", visibility="owner")
    return {"secret": secret, "zhang": zhang, "li": li, "wang": wang}


def _body(response: Any) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def _names(data: bytes) -> list[str]:
    lines = data.removeprefix(BOM).decode().split("\r\n")[1:-1]
    return [line.split(",")[0] for line in lines]


def _exports() -> int:
    return AuditEvent.objects.filter(verb__startswith="platform.export").count()


# --- API ---------------------------------------------------------------------------------------


def test_the_api_streams_a_csv_named_in_both_ways(api_for: Any, people: Any, shop: Any) -> None:
    response = api_for(people.owner).get("/api/v1/contacts/export", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="contacts-{today}.csv"; '
        f"filename*=UTF-8''%E8%81%94%E7%B3%BB%E4%BA%BA-{today}.csv"  # 联系人-<date>.csv
    )
    assert response["Cache-Control"] == "no-store"
    data = _body(response)
    assert data.startswith(BOM)
    assert _names(data) == ["李娜", "张伟"]  # newest first, as the list endpoint
    assert "保密公司".encode() in data


@pytest.mark.parametrize(
    ("who", "names"),
    [("owner", ["李娜", "张伟"]), ("teammate", ["李娜", "张伟"]), ("outsider", ["王芳", "张伟"])],
)
def test_the_api_exports_what_each_person_sees(
    api_for: Any, people: Any, shop: Any, who: str, names: list[str]
) -> None:
    data = _body(api_for(getattr(people, who)).get("/api/v1/contacts/export"))
    assert _names(data) == names
    assert ("保密公司".encode() in data) is (who == "owner")


def test_the_api_takes_the_list_filters(api_for: Any, people: Any, shop: Any) -> None:
    api = api_for(people.admin)
    assert _names(_body(api.get("/api/v1/contacts/export", {"province": "广东省"}))) == ["李娜"]
    assert _names(_body(api.get("/api/v1/contacts/export", {"q": "王芳"}))) == ["王芳"]
    assert _names(_body(api.get("/api/v1/contacts/export", {"owner": "outsider"}))) == ["王芳"]
    assert _names(_body(api.get("/api/v1/contacts/export", {"owner": "nobody"}))) == []
    accounts = _body(api.get("/api/v1/accounts/export", {"format": "csv"}))
    assert _names(accounts) == ["保密公司"]


def test_the_api_exports_xlsx_and_vcards(api_for: Any, people: Any, shop: Any) -> None:
    api = api_for(people.outsider)
    xlsx = api.get("/api/v1/contacts/export", {"format": "xlsx"})
    assert xlsx["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(_body(xlsx))).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["王芳", "张伟"]
    assert all(row[3].value is None for row in sheet.iter_rows(min_row=2))  # no hidden company
    cards = api.get("/api/v1/contacts/export", {"format": "vcf"})
    assert cards["Content-Type"] == "text/vcard; charset=utf-8"
    text = _body(cards).decode()
    assert text.count("BEGIN:VCARD") == 2
    assert "FN:张伟" in text and "保密公司" not in text


def test_the_api_refuses_without_changing_anything(api_for: Any, people: Any, shop: Any) -> None:
    anonymous = api_for(None).get("/api/v1/contacts/export", **ENGLISH)
    assert anonymous.status_code == 401
    refused = api_for(people.reader).get("/api/v1/contacts/export", **ENGLISH)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == "Your role may not export customer lists."
    bad = api_for(people.owner).get("/api/v1/contacts/export", {"format": "pdf"}, **ENGLISH)
    assert bad.status_code == 422
    unknown = api_for(people.owner).get(
        "/api/v1/contacts/export", {"custom.nothing": "1"}, **ENGLISH
    )
    assert unknown.status_code == 422
    assert _exports() == 0


def test_the_export_route_is_not_a_contact_id(api_for: Any, people: Any, shop: Any) -> None:
    api = api_for(people.owner)
    assert api.get("/api/v1/contacts/export").status_code == 200
    assert api.get(f"/api/v1/contacts/{shop['zhang'].public_id}").json()["name"] == "张伟"
    schema = api.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/contacts/export"]["get"]
    assert set(operation["responses"]) == {"200", "401", "403", "422"}
    assert [p["name"] for p in operation["parameters"]][-1] == "format"


def test_an_api_export_is_audited(api_for: Any, people: Any, shop: Any) -> None:
    _body(api_for(people.owner).get("/api/v1/contacts/export", {"province": "广东省"}))
    started, finished = AuditEvent.objects.filter(verb__startswith="platform.export").order_by("pk")
    assert started.changes == {
        "kind": "contacts",
        "format": "csv",
        "filters": {"province": "广东省", "sort": "-id"},
    }
    assert finished.changes == {"kind": "contacts", "format": "csv", "rows": 1, "complete": True}


# --- web -------------------------------------------------------------------------------------


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_list_offers_the_export_menu_with_its_filters(people: Any, shop: Any) -> None:
    page = _client(people.owner).get("/contacts/", {"province": "广东省", "sort": "name"})
    html = page.content.decode()
    assert (
        'href="/contacts/export/?format=csv&amp;province=%E5%B9%BF%E4%B8%9C%E7%9C%81&amp;sort=name"'
        in html
    )
    assert "/contacts/export/?format=xlsx" in html and "/contacts/export/?format=vcf" in html
    accounts = _client(people.owner).get("/accounts/").content.decode()
    assert 'href="/accounts/export/?format=csv"' in accounts
    assert "/contacts/export/" not in _client(people.reader).get("/contacts/").content.decode()


def test_the_page_exports_exactly_the_filtered_list(people: Any, shop: Any) -> None:
    client = _client(people.owner)
    response = client.get("/contacts/export/", {"format": "csv", "province": "广东省"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert _names(_body(response)) == ["李娜"]
    by_name = client.get("/contacts/export/", {"format": "csv", "sort": "name"})
    assert _names(_body(by_name)) == ["李娜", "张伟"]
    outsider = _body(_client(people.outsider).get("/contacts/export/", {"format": "csv"}))
    assert sorted(_names(outsider)) == ["张伟", "王芳"]
    assert "保密公司".encode() not in outsider
    accounts = _body(_client(people.outsider).get("/accounts/export/", {"format": "csv"}))
    assert _names(accounts) == []


def test_the_page_refuses_anonymous_and_unpermitted_people(people: Any, shop: Any) -> None:
    anonymous = _client().get("/contacts/export/", {"format": "csv"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/") or "login" in anonymous["Location"]
    assert _client(people.reader).get("/contacts/export/", {"format": "csv"}).status_code == 403
    assert _client(people.reader).get("/accounts/export/", {"format": "csv"}).status_code == 403
    assert _client(people.owner).post("/contacts/export/", {"format": "csv"}).status_code == 405
    assert _exports() == 0


def test_a_bad_format_on_the_page_goes_back_to_the_list(people: Any, shop: Any) -> None:
    response = _client(people.owner).get("/contacts/export/", {"format": "pdf", "q": "张"})
    assert response.status_code == 302
    assert response["Location"] == "/contacts/?q=%E5%BC%A0"
    assert _exports() == 0
