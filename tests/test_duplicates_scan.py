"""Blocking, the scan (decided pairs kept, visibility), the queue selector and the command."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from guanxi.core.errors import PermissionDeniedError
from guanxi.customers.duplicates.blocking import BLOCK_CAP, candidate_pairs
from guanxi.customers.duplicates.facts import contact_facts, facts_from_values
from guanxi.customers.duplicates.scan import duplicates_scan
from guanxi.customers.duplicates.selectors import duplicate_pairs
from guanxi.customers.models import Contact, DuplicatePair, DuplicateStatus
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent

pytestmark = pytest.mark.usefixtures("english")


def test_blocks_give_each_pair_once_and_never_a_record_with_itself() -> None:
    facts = [
        facts_from_values(id=1, name="张伟", phones=["+8613800138000"], emails=["zw@x.cn"]),
        facts_from_values(id=2, name="張偉", phones=["+8613800138000"], emails=["ZW@x.cn"]),
        facts_from_values(id=3, name="Wei Zhang", city="上海", phones=["+8613900139000"]),
        facts_from_values(id=4, name="章伟", city="上海市"),
        facts_from_values(id=5, name="李娜", postcode="200030"),
        facts_from_values(id=6, name="Na Li", postcode="200030"),
        facts_from_values(id=7, name="王芳"),
        facts_from_values(id=8, name="王芳"),
    ]
    # 1-2 share phone and e-mail; 3-4 the name's sound in one city; 5-6 the postcode and the
    # name's initials. 7-8 share only a name without a city: no block, they cannot make a pair.
    assert candidate_pairs(facts, "contact") == [(0, 1), (2, 3), (4, 5)]


def test_an_oversized_block_is_split_by_city_then_compared_with_neighbours() -> None:
    cities = ["上海", "北京"]
    facts = [
        facts_from_values(id=i, name="张伟", city=cities[i % 2]) for i in range(2 * BLOCK_CAP + 2)
    ]
    pairs = candidate_pairs(facts, "contact")
    assert all(facts[a].city == facts[b].city for a, b in pairs)
    assert all(a < b for a, b in pairs)
    # Each city still holds more than the cap: every record meets its 12 next neighbours.
    per_city = BLOCK_CAP + 1
    assert len(pairs) == 2 * sum(min(12, per_city - 1 - i) for i in range(per_city))


def _records(people: Any) -> dict[str, Contact]:
    """Two private duplicates of the owner, two of the outsider shared with everyone, and two
    namesakes who are different people."""
    private = {"visibility": "owner"}
    return {
        "C1": contact_create(actor=people.owner, name="张伟", phones=["138 0013 8000"],
                             external_id="C1", **private),
        "C2": contact_create(actor=people.owner, name="張偉", phones=["+86 138-0013-8000"],
                             external_id="C2", **private),
        "C3": contact_create(actor=people.outsider, name="李娜", emails=["lina@example.com"],
                             external_id="C3"),
        "C4": contact_create(actor=people.outsider, name="Li Na", emails=["LiNa@Example.com"],
                             external_id="C4"),
        "C5": contact_create(actor=people.outsider, name="王芳", external_id="C5",
                             birthday=datetime.date(1980, 1, 2), phones=["13900139000"]),
        "C6": contact_create(actor=people.outsider, name="王芳", external_id="C6",
                             birthday=datetime.date(1991, 7, 9), phones=["13700137000"]),
    }  # fmt: skip


def _open_pairs() -> list[tuple[int, int, str]]:
    return list(
        DuplicatePair.objects.filter(status=DuplicateStatus.OPEN)
        .order_by("first_id")
        .values_list("first_id", "second_id", "decision")
    )


def test_scan_as_administrator_stores_ordered_explained_pairs(people: Any) -> None:
    records = _records(people)
    counts = duplicates_scan(actor=people.admin, entity="contacts")
    del counts["seconds"]
    assert counts == {
        "entity": "contact",
        "records": 6,
        "candidates": 2,
        "pairs": 2,
        "certain": 2,
        "review": 0,
        "replaced": 0,
    }
    first = DuplicatePair.objects.get(first_id=records["C1"].pk)
    assert (first.second_id, round(first.score, 4), first.decision) == (
        records["C2"].pk,
        0.9998,
        "certain",
    )
    assert first.explanation == [
        {"field": "name", "weight": 10.0, "code": "name_variant", "params": {"name": "張偉"}},
        {"field": "phone", "weight": 13.0, "code": "phone_same",
         "params": {"phone": "+8613800138000"}},
    ]  # fmt: skip
    event = AuditEvent.objects.get(verb="customers.duplicates.scanned")
    assert (event.actor, event.changes["pairs"], event.changes["certain"]) == (people.admin, 2, 2)


def test_dismissed_and_merged_pairs_are_not_proposed_again(people: Any) -> None:
    records = _records(people)
    duplicates_scan(actor=people.admin)
    # The review queue's "not a duplicate" (MERGE's service) sets the status; here directly.
    DuplicatePair.objects.filter(first_id=records["C1"].pk).update(status=DuplicateStatus.DISMISSED)
    counts = duplicates_scan(actor=people.admin)
    assert (counts["pairs"], counts["replaced"]) == (1, 1)
    assert _open_pairs() == [(records["C3"].pk, records["C4"].pk, "certain")]
    assert DuplicatePair.objects.get(first_id=records["C1"].pk).status == "dismissed"


def test_a_users_scan_and_queue_never_include_records_they_cannot_see(people: Any) -> None:
    records = _records(people)
    duplicates_scan(actor=people.admin)
    counts = duplicates_scan(actor=people.outsider)
    # The outsider sees their own four records only; the owner's private pair is left alone.
    assert (counts["records"], counts["pairs"], counts["replaced"]) == (4, 1, 1)
    assert len(_open_pairs()) == 2
    assert [p.first_id for p in duplicate_pairs(people.outsider, "contacts")] == [records["C3"].pk]
    for user in (people.owner, people.admin):  # the owner sees the outsider's shared pair
        assert [p.first_id for p in duplicate_pairs(user, "contact")] == [
            records["C1"].pk,
            records["C3"].pk,
        ]
    assert list(duplicate_pairs(AnonymousUser(), "contact")) == []


def test_read_only_users_cannot_scan_and_nothing_changes(people: Any) -> None:
    _records(people)
    duplicates_scan(actor=people.admin)
    before = _open_pairs()
    with pytest.raises(PermissionDeniedError):
        duplicates_scan(actor=people.reader)
    assert _open_pairs() == before
    assert AuditEvent.objects.filter(verb="customers.duplicates.scanned").count() == 1


def test_facts_load_in_a_few_queries(people: Any, django_assert_num_queries: Any) -> None:
    records = _records(people)
    ids = [record.pk for record in records.values()]
    with django_assert_num_queries(4):
        facts = contact_facts(ids)
    assert [f.external_id for f in facts] == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert (facts[1].name, facts[1].phones, facts[1].mobiles) == (
        "张伟",
        frozenset({"+8613800138000"}),
        frozenset({"+8613800138000"}),
    )
    assert (facts[3].latin, facts[3].emails) == (("li", "na"), frozenset({"lina@example.com"}))


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("duplicates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_scans_and_prints_the_pairs(people: Any) -> None:
    _records(people)
    out, _ = _run("scan", "--entity", "contacts")
    assert out == "pairs found: 2, certain: 2, review: 0\n"
    out, _ = _run("pairs", "--format", "csv")
    assert out == (
        "a_external_id,b_external_id,score,decision\nC1,C2,0.9998,certain\nC3,C4,0.9981,certain\n"
    )
    out, _ = _run("pairs", "--format", "csv", "--as", "outsider")
    assert out == "a_external_id,b_external_id,score,decision\nC3,C4,0.9981,certain\n"
    out, _ = _run("scan", "--entity", "accounts")
    assert out == "pairs found: 0, certain: 0, review: 0\n"
