"""The one search module: building keys for a record and matching a query against them.

Both databases use the same keys and the same prefix match: a range on a B-tree index of a column
compared by code point (SQLite's binary collation, PostgreSQL's "C" collation), so the results
and their order are identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from guanxi.customers.names import CJK, has_cjk, pinyin_syllables
from guanxi.customers.phones import national_digits

MAX_KEY = 64
MAX_SUFFIXES = 16
WORD = "w:"
PHONE_FRONT = "f:"
PHONE_BACK = "r:"
MIN_PHONE_DIGITS = 3
MIN_REVERSED_DIGITS = 4
WORD_JOINERS = re.compile(r"[\s'’\-]+")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def _cjk_run_suffixes(text: str) -> list[str]:
    """Every suffix of the name, so that any part of it is a prefix of some key."""
    compact = re.sub(r"\s+", "", text)
    return [compact[i:] for i in range(min(len(compact), MAX_SUFFIXES))]


def text_keys(text: str) -> set[str]:
    """Keys for a name: suffixes (Chinese), pinyin and initials, and Latin words."""
    cleaned = _clean(text)
    if not cleaned:
        return set()
    keys: set[str] = set()
    if has_cjk(cleaned):
        keys.update(_cjk_run_suffixes(cleaned))
        syllables = pinyin_syllables(cleaned)
        if syllables:
            for start in range(len(syllables)):
                keys.add("".join(syllables[start:]))
            keys.add("".join(s[0] for s in syllables))
    words = [w for w in re.split(r"[^0-9a-z]+", CJK.sub(" ", cleaned)) if w]
    keys.update(words)
    if len(words) > 1:
        keys.add(" ".join(words))
        keys.add("".join(words))
    return {WORD + k[: MAX_KEY - 2] for k in keys if k}


def email_keys(email: str) -> set[str]:
    email = _clean(email)
    if not email:
        return set()
    local = email.split("@", 1)[0]
    return {WORD + email[: MAX_KEY - 2], WORD + local[: MAX_KEY - 2]}


def phone_keys(e164: str) -> set[str]:
    digits = national_digits(e164)
    return {PHONE_FRONT + digits, PHONE_BACK + digits[::-1]}


def contact_keys(*, name: str, phones: Iterable[str], emails: Iterable[str]) -> set[str]:
    keys = text_keys(name)
    for phone in phones:
        keys |= phone_keys(phone)
    for email in emails:
        keys |= email_keys(email)
    return keys


def account_keys(*, name: str, website: str = "") -> set[str]:
    keys = text_keys(name)
    host = re.sub(r"^https?://(www\.)?", "", _clean(website)).split("/", 1)[0]
    if host:
        keys.add(WORD + host[: MAX_KEY - 2])
    return keys


@dataclass(frozen=True)
class SearchQuery:
    prefixes: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.prefixes


def parse_query(raw: str) -> SearchQuery:
    """What to look for: word prefixes for text, phone prefixes for digits."""
    text = _clean(raw)[: MAX_KEY - 2]
    if not text:
        return SearchQuery(())
    digits = re.sub(r"[\s\-()+.]", "", text)
    if digits.isdigit():
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        prefixes: list[str] = []
        if len(digits) >= MIN_PHONE_DIGITS:
            prefixes.append(PHONE_FRONT + digits)
        if len(digits) >= MIN_REVERSED_DIGITS:
            prefixes.append(PHONE_BACK + digits[::-1])
        return SearchQuery(tuple(prefixes))
    if "@" not in text:
        # Pinyin is shown with spaces ("zhang wei") and Latin names are keyed joined too
        # ("jeanpierre"), so "zhang wei", "Jean-Pierre" and "xi'an" all match their joined key.
        text = WORD_JOINERS.sub("", text)
    return SearchQuery((WORD + text,))


def _prefix_q(field: str, prefix: str) -> Q:
    """A range rather than LIKE: with code-point order on both databases (see
    ``core.fields.ByteOrderCharField``) it walks the plain index and comes out sorted."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def token_filter(query: SearchQuery, *, field: str = "token") -> Q:
    combined = Q(pk__in=[])
    for prefix in query.prefixes:
        combined |= _prefix_q(field, prefix)
    return combined
