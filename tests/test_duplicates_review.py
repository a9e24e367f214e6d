"""The duplicate review queue: who sees which pairs, comparing, merging, "not a duplicate"
(remembered), undo, and refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from guanxi.customers.models import Contact, DuplicatePair, MergeRecord
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent

EN = {"Accept-Language": "en"}
REASONS = [
    {"field": "name", "weight": 10.0, "code": "name_variant", "params": {"name": "张伟"}},
    {"field": "phone", "weight": 13.0, "code": "phone_same", "params": {"phone": "+8613800138000"}},
]


def _pair(people: Any, a: Any, b: Any, *, decision: str = "certain", score: float = 0.99) -> Any:
    low, high = sorted([a.pk, b.pk])
    return DuplicatePair.objects.create(
        org=people.org,
        entity="contact" if isinstance(a, Contact) else "account",
        first_id=low,
        second_id=high,
        score=score,
        decision=decision,
        explanation=REASONS,
    )


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def pair(people: Any) -> Any:
    first = contact_create(
        actor=people.owner, name="张伟", phones=["13800138000"], visibility="team", title="经理"
    )
    second = contact_create(
        actor=people.owner, name="張偉", phones=["13800138000"], visibility="team", title="总监"
    )
    return _pair(people, first, second), first, second


def _state() -> list[Any]:
    return [
        list(Contact.objects.order_by("pk").values_list("pk", "deleted_at", "title", "version")),
        list(DuplicatePair.objects.values_list("status", "decided_by")),
        MergeRecord.objects.count(),
        AuditEvent.objects.count(),
    ]


def test_the_queue_lists_certain_pairs_first_with_their_reasons(people: Any, pair: Any) -> None:
    _open, first, _second = pair
    third = contact_create(actor=people.owner, name="张玮")
    review = _pair(people, first, third, decision="review", score=0.999)
    page = _client(people.owner).get("/customers/duplicates/", headers=EN)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("張偉") < html.index("张玮")
    assert "same mobile 138 0013 8000; same name in traditional and simplified characters" in html
    assert f"/customers/duplicates/{review.public_id}/" in html
    accounts = _client(people.owner).get("/customers/duplicates/?entity=account", headers=EN)
    assert "No possible duplicates to review." in accounts.content.decode()


def test_a_pair_is_shown_only_to_who_sees_both_records(people: Any, pair: Any) -> None:
    open_pair = pair[0]
    assert "张伟" in _client(people.teammate).get("/customers/duplicates/").content.decode()
    hidden = _client(people.outsider).get("/customers/duplicates/", headers=EN).content.decode()
    assert "张伟" not in hidden and "No possible duplicates to review." in hidden
    url = f"/customers/duplicates/{open_pair.public_id}/"
    assert _client(people.outsider).get(url).status_code == 404
    assert _client(None).get(url).status_code == 302


def test_compare_shows_both_values_and_a_choice_per_differing_field(people: Any, pair: Any) -> None:
    open_pair, _first, _second = pair
    html = _client(people.owner).get(f"/customers/duplicates/{open_pair.public_id}/", headers=EN)
    text = html.content.decode()
    assert 'name="choice.title" value="first" checked' in text
    assert 'name="choice.title" value="second"' in text
    assert 'name="choice.name"' in text
    assert "Merge</button>" in text and "Not a duplicate" in text


def test_merge_asks_for_confirmation_then_merges_with_the_chosen_values(
    people: Any, pair: Any
) -> None:
    open_pair, first, second = pair
    client = _client(people.owner)
    url = f"/customers/duplicates/{open_pair.public_id}/merge/"
    form = {"survivor": "second", "choice.title": "first", "first_version": "1"}
    asked = client.post(url, form, headers=EN)
    assert asked.status_code == 200
    assert "Merge “张伟” into “張偉”? “张伟” will be deleted." in asked.content.decode()
    assert MergeRecord.objects.count() == 0

    done = client.post(url, {**form, "confirm": "1", "second_version": "1"}, headers=EN)
    record = MergeRecord.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/customers/duplicates/merges/{record.public_id}/"
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.title, first.deleted_at is not None) == ("经理", True)
    assert (record.target_id, record.source_id) == (second.pk, first.pk)
    open_pair.refresh_from_db()
    assert open_pair.status == "merged"

    page = client.get(done["Location"], headers=EN).content.decode()
    assert "Undo</button>" in page
    old_link = client.get(f"/contacts/{first.public_id}/")
    assert (old_link.status_code, old_link["Location"]) == (302, f"/contacts/{second.public_id}/")
    assert _client(people.outsider).get(f"/contacts/{first.public_id}/").status_code == 404
    undone = client.post(f"/customers/duplicates/merges/{record.public_id}/undo/")
    assert undone.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.deleted_at, second.title) == (None, "总监")
    open_pair.refresh_from_db()
    assert open_pair.status == "open"


def test_a_stale_version_is_refused_with_409(people: Any, pair: Any) -> None:
    open_pair = pair[0]
    before = _state()
    url = f"/customers/duplicates/{open_pair.public_id}/merge/"
    form = {"survivor": "first", "confirm": "1", "first_version": "1", "second_version": "7"}
    response = _client(people.owner).post(url, form, headers=EN)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("who", ["teammate", "reader", "outsider", "anonymous"])
def test_who_may_not_merge_gets_no_button_and_a_refused_post_changes_nothing(
    people: Any, pair: Any, who: str
) -> None:
    open_pair = pair[0]
    user = None if who == "anonymous" else getattr(people, who)
    client = _client(user)
    compare = client.get(f"/customers/duplicates/{open_pair.public_id}/", headers=EN)
    if who in ("teammate", "reader"):
        assert compare.status_code == 200
        assert "Merge</button>" not in compare.content.decode()
    before = _state()
    url = f"/customers/duplicates/{open_pair.public_id}/merge/"
    response = client.post(url, {"survivor": "first", "confirm": "1"})
    expected = {"teammate": 403, "reader": 403, "outsider": 404, "anonymous": 302}[who]
    assert response.status_code == expected
    dismissed = client.post(f"/customers/duplicates/{open_pair.public_id}/dismiss/")
    assert dismissed.status_code == {"teammate": 302, "reader": 403}.get(who, expected)
    if who != "teammate":  # a teammate may edit both records, so may decide "not a duplicate"
        assert _state() == before


def test_not_a_duplicate_is_remembered_and_audited_on_both_records(people: Any, pair: Any) -> None:
    open_pair, first, second = pair
    response = _client(people.owner).post(f"/customers/duplicates/{open_pair.public_id}/dismiss/")
    assert response.status_code == 302
    open_pair.refresh_from_db()
    assert (open_pair.status, open_pair.decided_by) == ("dismissed", people.owner)
    events = AuditEvent.objects.filter(verb="customers.contact.not_duplicate")
    assert sorted(events.values_list("target_id", flat=True)) == sorted([first.pk, second.pk])
    listed = _client(people.owner).get("/customers/duplicates/", headers=EN).content.decode()
    assert "No possible duplicates to review." in listed
    again = _client(people.owner).post(f"/customers/duplicates/{open_pair.public_id}/dismiss/")
    assert again.status_code == 302
    assert events.count() == 2


def test_undo_by_another_user_is_refused(people: Any, pair: Any) -> None:
    open_pair = pair[0]
    url = f"/customers/duplicates/{open_pair.public_id}/merge/"
    _client(people.owner).post(url, {"survivor": "first", "confirm": "1"})
    record = MergeRecord.objects.get()
    page = _client(people.teammate).get(f"/customers/duplicates/merges/{record.public_id}/")
    assert "Undo</button>" not in page.content.decode()
    before = _state()
    refused = _client(people.teammate).post(
        f"/customers/duplicates/merges/{record.public_id}/undo/"
    )
    assert refused.status_code == 403
    assert _state() == before
    hidden = _client(people.outsider).post(f"/customers/duplicates/merges/{record.public_id}/undo/")
    assert hidden.status_code == 404


def test_accounts_have_their_own_tab(people: Any) -> None:
    a = account_create(actor=people.owner, name="华为技术")
    b = account_create(actor=people.owner, name="华为技术有限公司")
    _pair(people, a, b, decision="review", score=0.8)
    html = _client(people.owner).get("/customers/duplicates/?entity=account", headers=EN)
    assert "华为技术有限公司" in html.content.decode()
    assert "No possible duplicates" in (
        _client(people.owner).get("/customers/duplicates/", headers=EN).content.decode()
    )


def test_a_later_scan_does_not_propose_a_dismissed_pair_again(people: Any) -> None:
    from guanxi.customers.duplicates.scan import duplicates_scan

    contact_create(actor=people.owner, name="张伟", phones=["13800138000"])
    contact_create(actor=people.owner, name="張偉", phones=["13800138000"])
    duplicates_scan(actor=people.owner, entity="contact")
    pair = DuplicatePair.objects.get()
    assert (pair.status, pair.decision) == ("open", "certain")
    _client(people.owner).post(f"/customers/duplicates/{pair.public_id}/dismiss/")
    duplicates_scan(actor=people.owner, entity="contact")
    assert list(DuplicatePair.objects.values_list("pk", "status")) == [(pair.pk, "dismissed")]


def test_the_360_page_links_an_open_pair_to_its_comparison(people: Any, pair: Any) -> None:
    duplicate_pair, first, second = pair
    compare = f"/customers/duplicates/{duplicate_pair.public_id}/"
    html = (
        _client(people.teammate).get(f"/contacts/{first.public_id}/", headers=EN).content.decode()
    )
    assert "Possible duplicates" in html
    assert f'href="/contacts/{second.public_id}/">張偉</a>' in html
    assert f'href="{compare}"' in html
    # Who may not see the other record is not told it exists.
    outsider = contact_create(actor=people.outsider, name="张伟", phones=["13800138000"])
    hidden = _pair(people, outsider, first)
    html = (
        _client(people.outsider)
        .get(f"/contacts/{outsider.public_id}/", headers=EN)
        .content.decode()
    )
    assert "Possible duplicates" not in html
    assert str(hidden.public_id) not in html
    # A dismissed pair leaves the panel.
    DuplicatePair.objects.filter(pk=duplicate_pair.pk).update(status="dismissed")
    html = (
        _client(people.teammate).get(f"/contacts/{first.public_id}/", headers=EN).content.decode()
    )
    assert f'href="{compare}"' not in html
    assert f'href="/customers/duplicates/{hidden.public_id}/"' in html  # the outsider's is open
