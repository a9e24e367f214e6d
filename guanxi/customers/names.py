"""Pinyin for Chinese names, kept automatically so that "zhangwei" and "zw" find 张伟."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


_KEPT = "\x00"  # marks a run of text that is not Chinese, kept as written


@lru_cache(maxsize=1 << 18)
def _readings(text: str) -> tuple[str, ...]:
    """``lazy_pinyin`` of ``text`` with the other runs kept and marked: one conversion serves
    both the pinyin column and the sort key (an import of a million names converts each once)."""
    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors=lambda run: _KEPT + run))


def pinyin_syllables(text: str) -> tuple[str, ...]:
    """Toneless syllables of the Chinese characters in ``text`` (other characters dropped)."""
    if not has_cjk(text):
        return ()
    return tuple(
        s.lower()
        for s in _readings(text)
        if not s.startswith(_KEPT) and s.isascii() and s.isalpha()
    )


def name_pinyin(text: str) -> str:
    """``张伟`` → ``zhang wei``: stored on the record and shown beside the name."""
    return " ".join(pinyin_syllables(text))


SORT_KEY_LENGTH = 300
_SORT_PINYIN_LENGTH = 190
_SORT_SEPARATOR = "\x1f"  # below every printable character: "li" sorts before "li na"


def _latin_folded(text: str) -> str:
    """``Zoë`` → ``zoe``, so accented Latin names sort among the others, not after ``z``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def sort_key(name: str) -> str:
    """``张伟`` → ``zhang wei␟张伟``: pinyin order for Chinese names, alphabetical for Latin ones.

    Stored on the record (``sort_key`` column, compared by code point) because neither database
    can sort Chinese by pinyin by itself: SQLite has no such collation and PostgreSQL's depends on
    the server's ICU/locale. Syllables are separated by spaces so that 李 (li) comes before 李娜
    (li na) and 林 (lin); the name itself follows, so that 张伟 and 章伟 keep a fixed order.
    """
    cleaned = " ".join((name or "").split())
    parts = [part.removeprefix(_KEPT) for part in _readings(cleaned)] if cleaned else []
    spoken = " ".join(" ".join(parts).split())
    return (_latin_folded(spoken)[:_SORT_PINYIN_LENGTH] + _SORT_SEPARATOR + cleaned)[
        :SORT_KEY_LENGTH
    ]
