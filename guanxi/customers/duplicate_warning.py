"""The "this looks like a customer you already have" warning on the forms, from the same scorer
as the duplicate scan, so the form and the review queue agree on what a duplicate is.

Candidates come from indexed lookups on what was typed (the phones, the e-mails, the name's
sound through the stored pinyin sort key, a Latin name in either order), among the records the
user may see only; each is scored against the typed values and kept when the scorer says
"review" or "certain". The records come back with ``duplicate_score``, ``duplicate_decision`` and
``duplicate_reasons`` (sentences in the active language) for the template and the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from guanxi.customers.duplicates.facts import (
    account_facts,
    account_facts_from_values,
    contact_facts,
    facts_from_values,
)
from guanxi.customers.duplicates.scoring import score_accounts, score_contacts
from guanxi.customers.names import sort_key

CANDIDATES = 50
SHOWN = 5


def _name_prefixes(name: str) -> list[str]:
    """Sort-key prefixes of the name as written and, for two Latin words, in the other order."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        return []
    names = [cleaned]
    words = cleaned.split(" ")
    if len(words) == 2 and cleaned.isascii():
        names.append(f"{words[1]} {words[0]}")
    return [sort_key(written).partition("\x1f")[0] + "\x1f" for written in names]


def _by_name(name: str) -> Q:
    match = Q(pk__in=[])
    for prefix in _name_prefixes(name):
        match |= Q(sort_key__startswith=prefix)
    return match


def _scored(
    visible: QuerySet[Any], ids: list[int], typed: Any, facts_of: Any, score: Any
) -> list[Any]:
    scores = {facts.id: score(typed, facts) for facts in facts_of(ids)}
    kept = sorted(
        (pk for pk, found in scores.items() if found.decision), key=lambda pk: -scores[pk].score
    )[:SHOWN]
    records = visible.in_bulk(kept)
    shown = []
    for pk in kept:
        record = records[pk]
        record.duplicate_score = scores[pk].score
        record.duplicate_decision = scores[pk].decision
        reasons = sorted(scores[pk].reasons, key=lambda reason: -reason.weight)
        record.duplicate_reasons = [reason.detail for reason in reasons if reason.weight > 0]
        shown.append(record)
    return shown


def _candidate_ids(visible: QuerySet[Any], match: Q, exclude_id: int | None) -> list[int]:
    found = visible.filter(match)
    if exclude_id:
        found = found.exclude(pk=exclude_id)
    return list(found.order_by("pk").values_list("pk", flat=True).distinct()[:CANDIDATES])


def contacts_like(
    visible: QuerySet[Any],
    *,
    name: str,
    phones: Iterable[str],
    emails: Iterable[str],
    company: str = "",
    exclude_id: int | None = None,
) -> list[Any]:
    """``visible``: the contacts the user may see. ``phones`` are E.164 numbers."""
    phones = [phone for phone in phones if phone]
    emails = [email.strip().lower() for email in emails if email]
    match = _by_name(name)
    if phones:
        match |= Q(phones__number__in=phones)
    if emails:
        match |= Q(emails__email__in=emails)
    ids = _candidate_ids(visible, match, exclude_id)
    typed = facts_from_values(name=name, phones=phones, emails=emails, company=company)
    return _scored(visible, ids, typed, contact_facts, score_contacts)


def accounts_like(
    visible: QuerySet[Any], *, name: str, website: str = "", exclude_id: int | None = None
) -> list[Any]:
    match = _by_name(name) | Q(name=" ".join(name.split()))
    ids = _candidate_ids(visible, match, exclude_id)
    typed = account_facts_from_values(name=name, website=website)
    return _scored(visible, ids, typed, account_facts, score_accounts)
