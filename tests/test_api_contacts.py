"""The contacts API: the exact interface outside tools rely on, malformed input, stale updates."""

from __future__ import annotations

import json

import pytest

from guanxi.customers.models import Contact
from guanxi.platform.models import AuditEvent

BASE = "/api/v1/contacts"


@pytest.fixture
def api(people, api_for):
    return api_for(people.owner)


def test_create_contact_with_the_documented_body(api):
    response = api.post(
        BASE, {"name": "张伟", "phones": ["138 0013 8000"], "emails": ["zw@example.com"]}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "张伟"
    assert body["pinyin"] == "zhang wei"
    assert body["version"] == 1
    assert [p["number"] for p in body["phones"]] == ["+8613800138000"]
    assert body["phones"][0]["display"] == "138 0013 8000"
    assert body["emails"] == ["zw@example.com"]
    contact = Contact.objects.get(public_id=body["id"])
    assert contact.owner.username == "owner"
    event = AuditEvent.objects.get(verb="customers.contact.created", target_id=contact.pk)
    assert event.actor.username == "owner"
    assert event.changes["name"] == {"before": None, "after": "张伟"}


def test_phone_may_be_an_object_with_number_and_kind(api):
    response = api.post(
        BASE, {"name": "李娜", "phones": [{"number": "021 6123 4567", "kind": "work"}]}
    )
    assert response.status_code == 201
    assert response.json()["phones"] == [
        {"number": "+862161234567", "kind": "work", "display": "021 6123 4567"}
    ]


def test_search_list_shape_and_cursor(api):
    for i in range(3):
        assert api.post(BASE, {"name": f"张伟{i}", "phones": [f"1380013800{i}"]}).status_code == 201
    first = api.get(BASE, {"q": "zw", "limit": 2}).json()
    assert set(first) == {"items", "next_cursor"}
    assert [c["name"] for c in first["items"]] == ["张伟2", "张伟1"]
    second = api.get(BASE, {"q": "zw", "limit": 2, "cursor": first["next_cursor"]}).json()
    assert [c["name"] for c in second["items"]] == ["张伟0"]
    assert second["next_cursor"] is None
    assert [c["name"] for c in api.get(BASE, {"q": "8001"}).json()["items"]] == ["张伟1"]


def test_get_returns_etag_and_unknown_id_is_404(api):
    created = api.post(BASE, {"name": "王芳"}).json()
    response = api.get(f"{BASE}/{created['id']}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    missing = api.get(f"{BASE}/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert api.get(f"{BASE}/not-a-uuid").status_code == 422


def test_update_with_version_and_stale_update_changes_nothing(api):
    created = api.post(BASE, {"name": "王芳"}).json()
    url = f"{BASE}/{created['id']}"
    ok = api.patch(url, {"version": 1, "title": "店长"})
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    assert ok.json()["title"] == "店长"
    stale = api.patch(url, {"version": 1, "title": "经理"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    stale_header = api.patch(url, {"title": "经理"}, **{"If-Match": '"1"'})
    assert stale_header.status_code == 412
    missing = api.patch(url, {"title": "经理"})
    assert missing.status_code == 428
    contact = Contact.objects.get(public_id=created["id"])
    assert (contact.title, contact.version) == ("店长", 2)
    fresh = api.patch(url, {"title": "经理"}, **{"If-Match": '"2"'})
    assert fresh.status_code == 200
    assert fresh["ETag"] == '"3"'


@pytest.mark.parametrize(
    ("raw", "status", "field"),
    [
        ("{not json", 400, None),
        ("[]", 422, None),
        ('{"name": 5}', 422, "name"),
        ('{"name": ""}', 422, "name"),
        ('{"name": "x", "phones": ["hello"]}', 422, "phones.0"),
        (
            '{"name": "x", "phones": [{"number": "13800138000", "kind": "fax"}]}',
            422,
            "phones.0.kind",
        ),
        ('{"name": "x", "emails": ["not-an-email"]}', 422, "emails.0"),
        ('{"name": "x", "birthday": "yesterday"}', 422, "birthday"),
        ('{"name": "x", "account": "00000000-0000-4000-8000-000000000000"}', 404, None),
        # An unknown user name is a 404, as an unknown id is (the contract test needs it).
        ('{"name": "x", "owner": "nobody"}', 404, "owner"),
        ('{"name": "x", "visibility": "everyone"}', 422, "visibility"),
        (json.dumps({"name": "x" * 201}), 422, "name"),
        (json.dumps({"name": "x", "tags": ["t"] * 21}), 422, "tags"),
    ],
)
def test_malformed_bodies_get_problem_details_and_write_nothing(api, raw, status, field):
    response = api.post(BASE, raw=raw)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    if field:
        assert field in body["errors"]
    assert Contact.objects.count() == 0


def test_oversized_body_is_refused(api):
    response = api.post(BASE, raw=json.dumps({"name": "x", "description": "y" * 3_000_000}))
    assert response.status_code == 413
    assert Contact.objects.count() == 0


def test_idempotency_key_replays_the_first_answer(api):
    first = api.post(BASE, {"name": "赵敏"}, **{"Idempotency-Key": "abc-1"})
    again = api.post(BASE, {"name": "赵敏"}, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Contact.objects.count() == 1


def test_possible_duplicates_are_reported(api):
    first = api.post(BASE, {"name": "张伟", "phones": ["13800138000"]}).json()
    second = api.post(BASE, {"name": "张伟 2", "phones": ["138-0013-8000"]}).json()
    assert second["possible_duplicates"] == [first["id"]]


def test_delete_is_soft_and_hides_the_contact(api):
    created = api.post(BASE, {"name": "王芳"}).json()
    assert api.delete(f"{BASE}/{created['id']}").status_code == 204
    assert api.get(f"{BASE}/{created['id']}").status_code == 404
    assert Contact.objects.get(public_id=created["id"]).deleted_at is not None


def test_updated_since_filter(api):
    api.post(BASE, {"name": "甲"})
    later = api.get(BASE, {"updated_since": "2999-01-01T00:00:00Z"}).json()
    assert later["items"] == []
    assert len(api.get(BASE, {"updated_since": "2000-01-01T00:00:00Z"}).json()["items"]) == 1


def test_bad_list_arguments_are_422_not_500(api):
    assert api.get(BASE, {"limit": 0}).status_code == 422
    assert api.get(BASE, {"limit": 201}).status_code == 422
    assert api.get(BASE, {"cursor": "!!!"}).status_code == 422
    assert api.get(BASE, {"updated_since": "soon"}).status_code == 422


def test_unauthenticated_request_gets_401_problem(api_for):
    for client in (api_for(None),):
        response = client.get(BASE)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 401
    from tests.conftest import ApiClient

    wrong = ApiClient("gx_wrong")
    assert wrong.get(BASE).status_code == 401


def test_openapi_document(api):
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/contacts" in spec["paths"]
    assert "/api/v1/accounts/{account_id}" in spec["paths"]
