"""Found in review: merges, "not a duplicate" decisions and import undo respect what each user
may see and change (the rule of every list, timeline and write path)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from guanxi.customers.models import Contact, DuplicatePair
from guanxi.customers.services.contacts import contact_create, contact_update
from guanxi.customers.services.duplicate_review import duplicate_pair_dismiss
from guanxi.customers.services.merge import contact_merge
from guanxi.platform.imports.runner import import_undo
from guanxi.platform.visibility import can_edit, can_see
from tests.importing_contacts import new_batch, run

EN = {"Accept-Language": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pair(people: Any, a: Any, b: Any) -> Any:
    low, high = sorted([a.pk, b.pk])
    return DuplicatePair.objects.create(
        org=people.org,
        entity="contact",
        first_id=low,
        second_id=high,
        score=0.99,
        decision="certain",
        explanation=[],
    )


def _shown_and_hidden(people: Any) -> tuple[Any, Any]:
    shown = contact_create(actor=people.owner, name="张伟", visibility="org")
    hidden = contact_create(actor=people.owner, name="SecretBee", visibility="team")
    assert can_see(people.outsider, shown) and not can_see(people.outsider, hidden)
    return shown, hidden


def _page(user: Any, record: Any) -> str:
    response = _client(user).get(f"/contacts/{record.public_id}/", headers=EN)
    assert response.status_code == 200
    return response.content.decode()


def test_not_a_duplicate_names_the_other_record_only_to_who_may_see_it(people: Any) -> None:
    shown, hidden = _shown_and_hidden(people)
    duplicate_pair_dismiss(actor=people.owner, pair=_pair(people, shown, hidden))
    assert "SecretBee" not in _page(people.outsider, shown)
    assert "SecretBee" in _page(people.teammate, shown)


def test_a_merge_names_the_merged_away_record_only_to_who_could_see_it(people: Any) -> None:
    survivor, source = _shown_and_hidden(people)
    record = contact_merge(actor=people.owner, target=survivor, source=source)
    assert "SecretBee" not in _page(people.outsider, survivor)
    assert "SecretBee" in _page(people.teammate, survivor)
    done = f"/customers/duplicates/merges/{record.public_id}/"
    assert _client(people.outsider).get(done).status_code == 404
    assert _client(people.owner).get(done).status_code == 200


def test_a_merged_away_record_does_not_lead_to_a_survivor_one_may_not_see(people: Any) -> None:
    survivor = contact_create(actor=people.owner, name="SecretBee", visibility="team")
    source = contact_create(actor=people.owner, name="张伟", visibility="org")
    contact_merge(actor=people.owner, target=survivor, source=source)
    client = _client(people.outsider)
    for url in (f"/contacts/{source.public_id}/", "/contacts/?deleted=1"):
        assert "SecretBee" not in client.get(url, follow=True).content.decode(), url


def _finished(batch: Any) -> None:
    batch.status = "finished"
    batch.finished_at = timezone.now()
    batch.save()


def test_undo_leaves_a_record_the_importer_may_no_longer_change(people: Any) -> None:
    theirs = contact_create(
        actor=people.teammate, name="王芳", external_id="W1", title="店员", visibility="team"
    )
    batch = new_batch(people.owner)
    assert run(people.owner, [{"external_id": "W1", "title": "店长"}], batch=batch).updated == 1
    _finished(batch)
    theirs.refresh_from_db()
    contact_update(actor=people.teammate, contact=theirs, version=theirs.version, visibility="owner")
    theirs.refresh_from_db()
    assert not can_edit(people.owner, theirs)
    assert import_undo(actor=people.owner, batch=batch) == {"removed": 0, "restored": 0, "kept": 1}
    theirs.refresh_from_db()
    assert theirs.title == "店长"


def test_undo_leaves_a_created_record_handed_to_someone_else(people: Any) -> None:
    batch = new_batch(people.owner)
    run(people.owner, [{"name": "李娜", "phone": "13900139000"}], batch=batch)
    _finished(batch)
    created = Contact.objects.get(name="李娜")
    contact_update(
        actor=people.owner,
        contact=created,
        version=created.version,
        owner=people.outsider,
        visibility="owner",
    )
    assert import_undo(actor=people.owner, batch=batch) == {"removed": 0, "restored": 0, "kept": 1}
    assert Contact.objects.filter(pk=created.pk, deleted_at__isnull=True).exists()
