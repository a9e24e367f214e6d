"""Reads for the duplicate review queue: only pairs whose two records the viewer may see.

A pair names two customers, so showing it to someone who may see only one of them would name the
other; such pairs are left out, as are pairs of which one record was deleted or merged since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from guanxi.customers.duplicates.reasons import describe
from guanxi.customers.duplicates.selectors import duplicate_pairs
from guanxi.customers.models import Account, Contact, DuplicatePair, DuplicateStatus, MergeRecord
from guanxi.customers.selectors import (
    accounts_visible_to,
    contacts_visible_to,
    with_contact_details,
)
from guanxi.platform.visibility import visible_filter

ENTITIES = ("contact", "account")


def records_visible_to(user: Any, entity: str) -> QuerySet[Any]:
    return contacts_visible_to(user) if entity == "contact" else accounts_visible_to(user)


def open_pairs(user: Any, entity: str) -> QuerySet[DuplicatePair]:
    """Certain pairs first ("certain" sorts before "review"), then by score."""
    return duplicate_pairs(user, entity, DuplicateStatus.OPEN).order_by("decision", "-score", "pk")


@dataclass(frozen=True)
class PairRow:
    pair: DuplicatePair
    first: Any
    second: Any

    @property
    def reasons(self) -> list[str]:
        return explanation_sentences(self.pair)


def explanation_sentences(pair: DuplicatePair) -> list[str]:
    """The stored reasons in the reader's language, strongest evidence first."""
    reasons = sorted(pair.explanation, key=lambda reason: -abs(float(reason.get("weight", 0))))
    return [describe(reason["code"], reason.get("params")) for reason in reasons]


def pair_rows(user: Any, entity: str, pairs: list[DuplicatePair]) -> list[PairRow]:
    """The records of a page of pairs, fetched at once."""
    ids = {pk for pair in pairs for pk in (pair.first_id, pair.second_id)}
    visible = records_visible_to(user, entity)
    if entity == "contact":
        visible = with_contact_details(visible, user)
    records = visible.in_bulk(list(ids))
    return [
        PairRow(pair, records[pair.first_id], records[pair.second_id])
        for pair in pairs
        if pair.first_id in records and pair.second_id in records
    ]


def visible_pair(user: Any, public_id: Any) -> PairRow | None:
    """One pair (any status) whose two records the user may see, live ones only."""
    pair = DuplicatePair.objects.filter(org_id=user.org_id, public_id=public_id).first()
    if pair is None:
        return None
    rows = pair_rows(user, pair.entity, [pair])
    return rows[0] if rows else None


def merge_of_pair(user: Any, pair: DuplicatePair) -> MergeRecord | None:
    """The merge, still in force, that settled this pair (for its undo button)."""
    ids = [pair.first_id, pair.second_id]
    return (
        MergeRecord.objects.filter(
            org_id=user.org_id,
            entity=pair.entity,
            target_id__in=ids,
            source_id__in=ids,
            undone_at__isnull=True,
        )
        .order_by("-pk")
        .first()
    )


def merge_visible_to(user: Any, public_id: Any) -> MergeRecord | None:
    """A merge whose two records the user may see (the merged-away one whether or not the
    merge is undone), since its page names both."""
    record = MergeRecord.objects.filter(org_id=user.org_id, public_id=public_id).first()
    if record is None:
        return None
    if not records_visible_to(user, record.entity).filter(pk=record.target_id).exists():
        return None
    model = Contact if record.entity == "contact" else Account
    if not model.objects.filter(visible_filter(user, model), pk=record.source_id).exists():
        return None
    return record


def merged_survivor(user: Any, entity: str, public_id: Any) -> Any:
    """For the old link of a merged-away record the user could see: the visible record it now
    lives in (``None`` otherwise, and the page is simply not found)."""
    visible = contacts_visible_to if entity == "contact" else accounts_visible_to
    source = visible(user, deleted=True).filter(public_id=public_id).values_list("pk", flat=True)
    record = (
        MergeRecord.objects.filter(
            entity=entity, source_id__in=list(source), undone_at__isnull=True
        )
        .order_by("-pk")
        .first()
    )
    if record is None:
        return None
    return records_visible_to(user, entity).filter(pk=record.target_id).first()
