"""Merging and undoing through the API: problem details for every refusal, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.customers.models import Contact, MergeRecord
from guanxi.customers.services.contacts import contact_create

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}


@pytest.fixture
def twins(people: Any) -> Any:
    target = contact_create(actor=people.owner, name="张伟", phones=["13800138000"], title="经理")
    source = contact_create(actor=people.owner, name="張偉", phones=["13800138000"], title="总监")
    return target, source


def _body(target: Any, source: Any, **extra: Any) -> dict[str, Any]:
    return {
        "into": str(target.public_id),
        "version": source.version,
        "into_version": target.version,
        **extra,
    }


def test_merge_and_undo(people: Any, api_for: Any, twins: Any) -> None:
    target, source = twins
    api = api_for(people.owner)
    response = api.post(
        f"/api/v1/contacts/{source.public_id}/merge",
        _body(target, source, chosen={"title": "source"}),
    )
    assert response.status_code == 200, response.content
    record = MergeRecord.objects.get()
    assert response.json() == {
        "id": str(record.public_id),
        "survivor": str(target.public_id),
        "moved": {},
        "undone": False,
    }
    target.refresh_from_db()
    assert target.title == "总监"
    assert api.get(f"/api/v1/contacts/{source.public_id}").status_code == 404

    undone = api.post(f"/api/v1/merges/{record.public_id}/undo")
    assert (undone.status_code, undone.json()["undone"]) == (200, True)
    again = api.post(f"/api/v1/merges/{record.public_id}/undo", **EN)
    assert (again.status_code, again.json()["detail"]) == (409, "This merge was already undone.")
    assert Contact.objects.filter(deleted_at__isnull=True).count() == 2


def _state() -> list[Any]:
    rows = Contact.objects.order_by("pk").values_list("pk", "deleted_at", "title", "version")
    return [list(rows), MergeRecord.objects.count()]


@pytest.mark.parametrize(
    ("who", "status"),
    [("teammate", 403), ("reader", 403), ("outsider", 403), ("anonymous", 401)],
)
def test_refused_merges_change_nothing(
    people: Any, api_for: Any, twins: Any, who: str, status: int
) -> None:
    target, source = twins
    before = _state()
    api = api_for(None if who == "anonymous" else getattr(people, who))
    response = api.post(f"/api/v1/contacts/{source.public_id}/merge", _body(target, source))
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert _state() == before


def test_a_stale_version_is_a_409(people: Any, api_for: Any, twins: Any) -> None:
    target, source = twins
    before = _state()
    body = _body(target, source, into_version=target.version + 1)
    response = api_for(people.owner).post(f"/api/v1/contacts/{source.public_id}/merge", body)
    assert (response.status_code, response.json()["current_version"]) == (409, target.version)
    assert _state() == before


def test_an_unknown_choice_is_a_422(people: Any, api_for: Any, twins: Any) -> None:
    target, source = twins
    body = _body(target, source, chosen={"owner": "source"})
    url = f"/api/v1/contacts/{source.public_id}/merge"
    response = api_for(people.owner).post(url, body, **EN)
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"chosen.owner": ["Unknown field."]},
    )
