from __future__ import annotations

import pytest

from guanxi.customers.models import Activity


@pytest.fixture
def api(people, api_for):
    return api_for(people.owner)


def test_account_crud_and_contact_link(api):
    account = api.post(
        "/api/v1/accounts",
        {"name": "上海华为技术有限公司", "province": "上海市", "website": "huawei.example.cn"},
    )
    assert account.status_code == 201
    account_id = account.json()["id"]
    assert account.json()["website"] == "https://huawei.example.cn"
    contact = api.post(
        "/api/v1/contacts",
        {"name": "张伟", "account": account_id, "account_role": "decision_maker"},
    ).json()
    assert contact["account"] == account_id
    assert contact["account_name"] == "上海华为技术有限公司"
    listed = api.get("/api/v1/accounts", {"q": "华为"}).json()
    assert [a["name"] for a in listed["items"]] == ["上海华为技术有限公司"]
    renamed = api.patch(f"/api/v1/accounts/{account_id}", {"version": 1, "name": "华为上海"})
    assert renamed.json()["version"] == 2
    assert (
        api.patch(f"/api/v1/accounts/{account_id}", {"version": 1, "name": "x"}).status_code == 409
    )
    assert (
        api.get("/api/v1/accounts", {"province": "上海市"}).json()["items"][0]["name"] == "华为上海"
    )


def test_activity_note_and_task(api, people):
    contact = api.post("/api/v1/contacts", {"name": "张伟"}).json()
    note = api.post(
        "/api/v1/activities", {"kind": "note", "body": "客户想要报价", "contact": contact["id"]}
    )
    assert note.status_code == 201
    assert note.json()["created_by"] == "owner"
    task = api.post(
        "/api/v1/activities",
        {
            "kind": "task",
            "subject": "回电话",
            "contact": contact["id"],
            "due_at": "2026-12-01T10:00:00+08:00",
        },
    ).json()
    assert task["assignee"] == "owner"
    assert task["done"] is False
    listed = api.get("/api/v1/activities", {"contact": contact["id"]}).json()
    assert [a["kind"] for a in listed["items"]] == ["task", "note"]
    done = api.patch(f"/api/v1/activities/{task['id']}", {"version": 1, "done": True})
    assert done.status_code == 200
    assert done.json()["done"] is True
    assert api.get("/api/v1/activities", {"open_tasks": True}).json()["items"] == []


def test_activity_needs_a_customer_and_content(api):
    response = api.post("/api/v1/activities", {"kind": "note", "body": "x"})
    assert response.status_code == 422
    assert "contact" in response.json()["errors"]
    contact = api.post("/api/v1/contacts", {"name": "张伟"}).json()
    empty = api.post("/api/v1/activities", {"kind": "note", "contact": contact["id"]})
    assert empty.status_code == 422
    bad_kind = api.post(
        "/api/v1/activities", {"kind": "fax", "body": "x", "contact": contact["id"]}
    )
    assert bad_kind.status_code == 422
    assert Activity.objects.count() == 0
