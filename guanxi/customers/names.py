"""Pinyin for Chinese names, kept automatically so that "zhangwei" and "zw" find 张伟."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


@lru_cache(maxsize=65536)
def pinyin_syllables(text: str) -> tuple[str, ...]:
    """Toneless syllables of the Chinese characters in ``text`` (other characters dropped)."""
    if not has_cjk(text):
        return ()
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    return tuple(s.lower() for s in syllables if s.isascii() and s.isalpha())


def name_pinyin(text: str) -> str:
    """``张伟`` → ``zhang wei``: stored on the record and shown beside the name."""
    return " ".join(pinyin_syllables(text))
