"""Owner, teammate, outsider, manager, administrator, read-only and anonymous, over the API and UI.

A denied request must leave the record exactly as it was.
"""

from __future__ import annotations

import pytest
from django.test import Client

from guanxi.customers.models import Contact
from guanxi.customers.services.contacts import contact_create


@pytest.fixture
def team_contact(people):
    return contact_create(
        actor=people.owner, name="张伟", visibility="team", phones=["13800138000"]
    )


@pytest.fixture
def private_contact(people):
    return contact_create(actor=people.owner, name="李娜", visibility="owner")


def _state(contact):
    contact.refresh_from_db()
    return (contact.name, contact.version, contact.deleted_at)


@pytest.mark.parametrize(
    ("who", "can_read", "can_edit", "can_delete"),
    [
        ("owner", True, True, True),
        ("teammate", True, True, False),
        ("manager", True, True, True),
        ("admin", True, True, True),
        ("reader", True, False, False),
        ("outsider", False, False, False),
    ],
)
def test_team_record_over_the_api(
    people, api_for, team_contact, who, can_read, can_edit, can_delete
):
    api = api_for(getattr(people, who))
    url = f"/api/v1/contacts/{team_contact.public_id}"
    before = _state(team_contact)
    assert api.get(url).status_code == (200 if can_read else 404)
    listed = [c["name"] for c in api.get("/api/v1/contacts").json()["items"]]
    assert listed == (["张伟"] if can_read else [])
    edit = api.patch(url, {"version": 1, "title": "changed"})
    if can_edit:
        assert edit.status_code == 200
    else:
        assert edit.status_code in (403, 404)
        assert _state(team_contact) == before
    before = _state(team_contact)
    delete = api.delete(url)
    if can_delete:
        assert delete.status_code == 204
    else:
        assert delete.status_code in (403, 404)
        assert _state(team_contact) == before


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("owner", True),
        ("teammate", False),
        ("manager", True),
        ("admin", True),
        ("outsider", False),
        ("reader", False),
    ],
)
def test_private_record_visibility(people, api_for, private_contact, who, visible):
    api = api_for(getattr(people, who))
    response = api.get(f"/api/v1/contacts/{private_contact.public_id}")
    assert response.status_code == (200 if visible else 404)


def test_organisation_records_are_seen_by_everyone_in_the_org(people, api_for):
    contact = contact_create(actor=people.owner, name="王芳")
    assert api_for(people.outsider).get(f"/api/v1/contacts/{contact.public_id}").status_code == 200


def test_read_only_user_cannot_create(people, api_for):
    response = api_for(people.reader).post("/api/v1/contacts", {"name": "x"})
    assert response.status_code == 403
    assert Contact.objects.count() == 0


def test_anonymous_gets_401_on_api_and_login_redirect_on_pages(people, team_contact):
    client = Client()
    assert client.get("/api/v1/contacts").status_code == 401
    assert client.delete(f"/api/v1/contacts/{team_contact.public_id}").status_code == 401
    page = client.get(f"/contacts/{team_contact.public_id}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/login/")
    assert _state(team_contact)[2] is None


def test_outsider_cannot_open_or_delete_in_the_ui(people, team_contact):
    client = Client()
    client.force_login(people.outsider)
    assert client.get(f"/contacts/{team_contact.public_id}/").status_code == 404
    before = _state(team_contact)
    assert client.post(f"/contacts/{team_contact.public_id}/delete/").status_code == 404
    assert _state(team_contact) == before


def test_teammate_cannot_delete_in_the_ui(people, team_contact):
    client = Client()
    client.force_login(people.teammate)
    assert client.get(f"/contacts/{team_contact.public_id}/delete/").status_code == 403
    response = client.post(f"/contacts/{team_contact.public_id}/delete/")
    assert response.status_code == 403
    assert _state(team_contact)[2] is None


def test_revoked_token_stops_working(people):
    from guanxi.platform.services.tokens import api_token_create, api_token_revoke
    from tests.conftest import ApiClient

    token, raw = api_token_create(actor=people.owner, user=people.owner, name="ci")
    api = ApiClient(raw)
    assert api.get("/api/v1/contacts").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    api_token_revoke(actor=people.owner, token=token)
    assert api.get("/api/v1/contacts").status_code == 401
