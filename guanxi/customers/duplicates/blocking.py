"""Which pairs are worth scoring: those that share a block key.

Comparing every record with every other is n²/2 pairs (5·10¹¹ for a million contacts); a
duplicate nearly always shares something exact with its twin: a phone's last 8 digits, an
e-mail, an identifier, the sound of the name in one city, a postcode or a birthday with the
name's initials, a company and name. Records are
grouped by each such key and only records within a group are compared. A group larger than
``BLOCK_CAP`` (5,000 people called 张伟) is split by city and birth year, and what is still too
large is compared only with its neighbours in name order, so the work stays near-linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from guanxi.customers.duplicates.facts import AccountFacts, ContactFacts
from guanxi.customers.duplicates.normalise import email_local_part, name_key, phone_ending

BLOCK_CAP = 60
NEIGHBOUR_WINDOW = 12


def _initials(facts: ContactFacts | AccountFacts) -> str:
    """First letters of the name's sounds, sorted: 张伟 and "Wei Zhang" → "wz"."""
    return "".join(sorted({token[0] for token in facts.syllables or facts.latin}))


def _name_keys(facts: ContactFacts | AccountFacts) -> Iterator[str]:
    """A name alone cannot make a pair (too many people share one), so a name block is the name
    within one city; records without an address meet their twins through the other keys."""
    for identifier, value in facts.identifiers.items():
        yield f"i{identifier}={value}"
    key = name_key(facts.syllables, facts.latin) or facts.name
    if not key:
        return
    if facts.city:
        yield f"n{key}|{facts.city}"
    if facts.postcode:
        yield f"z{facts.postcode}|{_initials(facts)}"


def contact_keys(facts: ContactFacts) -> Iterator[str]:
    yield from _name_keys(facts)
    for phone in facts.phones:
        ending = phone_ending(phone)
        if ending:
            yield "p" + ending
    for email in facts.emails:
        yield "e" + email
        local = email_local_part(email)
        if local:
            yield "l" + local
    if facts.birthday:
        yield f"b{facts.birthday.isoformat()}|{_initials(facts)}"
    if facts.company:
        yield f"c{facts.company}|{name_key(facts.syllables, facts.latin) or facts.name}"


def account_keys(facts: AccountFacts) -> Iterator[str]:
    yield from _name_keys(facts)
    if facts.name:
        yield "h" + facts.name[:4]
        yield "n" + (name_key(facts.syllables, facts.latin) or facts.name)
    if facts.website:
        yield "w" + facts.website


def _contact_refinements(facts: ContactFacts) -> Sequence[Any]:
    return (facts.city, facts.birthday.year if facts.birthday else None)


def _account_refinements(facts: AccountFacts) -> Sequence[Any]:
    return (facts.city, facts.district)


KEYS: dict[str, Callable[[Any], Iterable[str]]] = {
    "contact": contact_keys,
    "account": account_keys,
}
REFINEMENTS: dict[str, Callable[[Any], Sequence[Any]]] = {
    "contact": _contact_refinements,
    "account": _account_refinements,
}


def _pairs_within(
    members: list[int],
    facts: Sequence[Any],
    refine: Callable[[Any], Sequence[Any]],
    depth: int,
    emit: Callable[[int, int], None],
) -> None:
    if len(members) <= BLOCK_CAP:
        for position, left in enumerate(members):
            for right in members[position + 1 :]:
                emit(left, right)
        return
    levels = refine(facts[members[0]])
    if depth < len(levels):
        groups: dict[Any, list[int]] = defaultdict(list)
        for index in members:
            groups[refine(facts[index])[depth]].append(index)
        if len(groups) > 1:
            for group in groups.values():
                if len(group) > 1:
                    _pairs_within(group, facts, refine, depth + 1, emit)
            return
        _pairs_within(members, facts, refine, depth + 1, emit)
        return
    ordered = sorted(members, key=lambda index: (facts[index].name, index))
    for position, left in enumerate(ordered):
        for right in ordered[position + 1 : position + 1 + NEIGHBOUR_WINDOW]:
            emit(left, right)


def candidate_pairs(
    facts: Sequence[ContactFacts] | Sequence[AccountFacts], entity: str
) -> list[tuple[int, int]]:
    """Pairs of positions in ``facts`` (``left < right``), each once, never a record with itself."""
    keys_of = KEYS[entity]
    refine = REFINEMENTS[entity]
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(facts):
        for key in set(keys_of(record)):
            blocks[key].append(index)
    size = len(facts)
    seen: set[int] = set()

    def emit(left: int, right: int) -> None:
        if left > right:
            left, right = right, left
        seen.add(left * size + right)

    for members in blocks.values():
        if len(members) > 1:
            _pairs_within(members, facts, refine, 0, emit)
    return [divmod(code, size) for code in sorted(seen)]
