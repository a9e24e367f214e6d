"""Precision, recall and F1 of duplicate detection on the generated labelled set (fixed seed)."""

from __future__ import annotations

from typing import Any

from guanxi.customers.duplicates.labelled import labelled_set, measure, write_labelled
from guanxi.customers.duplicates.scan import duplicates_scan
from guanxi.customers.duplicates.selectors import duplicate_pairs
from guanxi.customers.models import Contact

PEOPLE = 1500


def test_quality_on_the_labelled_set(people: Any) -> None:
    labelled = labelled_set(PEOPLE, seed=8)
    write_labelled(labelled, org_id=people.org.pk, owner_id=people.owner.pk)

    counts = duplicates_scan(actor=people.admin, entity="contacts")

    external = dict(Contact.objects.values_list("pk", "external_id"))
    found = [
        (external[first], external[second])
        for first, second in duplicate_pairs(people.admin, "contact").values_list(
            "first_id", "second_id"
        )
    ]
    quality = measure(labelled, found)
    assert len(labelled.records) == 2248
    assert counts["records"] == 2248
    assert counts["pairs"] == len(found)
    assert quality.as_dict() == {
        "true_positives": 668,
        "false_positives": 1,
        "false_negatives": 8,
        "precision": 0.9985,
        "recall": 0.9882,
        "f1": 0.9933,
    }
    assert quality.f1 >= 0.97
