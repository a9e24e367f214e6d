"""API problem details speak the language the client asks for (Accept-Language)."""

from __future__ import annotations


def test_field_messages_follow_accept_language(people, api_for):
    api = api_for(people.owner)
    english = api.post("/api/v1/contacts", {"title": "x" * 300}, **{"Accept-Language": "en"})
    assert english.status_code == 422
    assert english.json()["errors"] == {
        "name": ["This field is required."],
        "title": ["At most 200 characters."],
    }
    chinese = api.post("/api/v1/contacts", {"title": "x" * 300}, **{"Accept-Language": "zh-hans"})
    assert chinese.json()["errors"] == {
        "name": ["此字段为必填项。"],
        "title": ["最多 200 个字符。"],
    }
    assert chinese["Content-Language"] == "zh-hans"


def test_service_messages_follow_accept_language(people, api_for):
    api = api_for(people.owner)
    response = api.post(
        "/api/v1/contacts", {"name": "张伟", "emails": ["not-an-address"]},
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "emails.0": ["“not-an-address” is not a valid e-mail address."]
    }
