"""A scan: every record the actor may see, blocked, scored, and the open queue replaced.

Only the open pairs between records the actor sees are replaced, so a colleague's scan never
erases what an administrator's found among records the colleague cannot see. Decided pairs stay:
"not a duplicate" is never proposed again, and a merged pair is history.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction

from guanxi.customers.duplicates.blocking import candidate_pairs
from guanxi.customers.duplicates.facts import account_facts, contact_facts
from guanxi.customers.duplicates.scoring import SCORERS
from guanxi.customers.duplicates.selectors import entity_of
from guanxi.customers.models import DuplicatePair, DuplicateStatus
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.platform.models import Organization
from guanxi.platform.records import require_permission
from guanxi.platform.services.audit import audit_record

ENTITIES = {
    "contact": "contact",
    "contacts": "contact",
    "account": "account",
    "accounts": "account",
}
SCORE_BATCH = 20_000
WRITE_BATCH = 2_000
Progress = Callable[[str, int, int], None]


def _facts_visible_to(actor: Any, entity: str) -> list[Any]:
    if entity == "contact":
        return contact_facts(contacts_visible_to(actor))
    return account_facts(accounts_visible_to(actor))


def _decided_pairs(org_id: int, entity: str) -> set[tuple[int, int]]:
    decided = DuplicatePair.objects.filter(org_id=org_id, entity=entity).exclude(
        status=DuplicateStatus.OPEN
    )
    return set(decided.values_list("first_id", "second_id"))


def _replace_open_pairs(
    org_id: int, entity: str, seen_ids: set[int], found: list[DuplicatePair]
) -> int:
    open_pairs = DuplicatePair.objects.filter(
        org_id=org_id, entity=entity, status=DuplicateStatus.OPEN
    ).values_list("pk", "first_id", "second_id")
    replaced = [pk for pk, first, second in open_pairs if first in seen_ids and second in seen_ids]
    for start in range(0, len(replaced), WRITE_BATCH):
        DuplicatePair.objects.filter(pk__in=replaced[start : start + WRITE_BATCH]).delete()
    DuplicatePair.objects.bulk_create(found, batch_size=WRITE_BATCH)
    return len(replaced)


def duplicates_scan(
    *, actor: Any, entity: str = "contact", progress: Progress | None = None
) -> dict[str, Any]:
    """Find the possible duplicates among what ``actor`` sees; returns the counts it audited."""
    entity = entity_of(entity)
    require_permission(actor, CustomerPermission.CHANGE_CUSTOMERS)
    report = progress or (lambda stage, done, total: None)
    started = time.monotonic()
    facts = _facts_visible_to(actor, entity)
    report("load", len(facts), len(facts))
    candidates = candidate_pairs(facts, entity)
    decided = _decided_pairs(actor.org_id, entity)
    score = SCORERS[entity]
    found: list[DuplicatePair] = []
    for number, (left, right) in enumerate(candidates, start=1):
        first, second = facts[left], facts[right]
        result = score(first, second)
        if result.decision is not None and (first.id, second.id) not in decided:
            found.append(
                DuplicatePair(
                    org_id=actor.org_id,
                    entity=entity,
                    first_id=first.id,
                    second_id=second.id,
                    score=round(result.score, 6),
                    decision=result.decision,
                    explanation=[reason.as_json() for reason in result.reasons],
                )
            )
        if number % SCORE_BATCH == 0:
            report("score", number, len(candidates))
    report("score", len(candidates), len(candidates))
    certain = sum(1 for pair in found if pair.decision == "certain")
    with transaction.atomic():
        replaced = _replace_open_pairs(actor.org_id, entity, {f.id for f in facts}, found)
        counts = {
            "entity": entity,
            "records": len(facts),
            "candidates": len(candidates),
            "pairs": len(found),
            "certain": certain,
            "review": len(found) - certain,
            "replaced": replaced,
            "seconds": round(time.monotonic() - started, 2),
        }
        audit_record(
            actor=actor,
            verb="customers.duplicates.scanned",
            target=Organization.objects.get(pk=actor.org_id),
            changes=counts,
        )
    report("save", len(found), len(found))
    return counts
