"""The forms in which two ways of writing one value become equal.

张偉 and 张伟 are the same name (traditional / simplified), so are "Smith John" and "John Smith",
``JOHN@Example.com`` and ``john@example.com``, 上海市徐汇区漕溪北路８８号 and 上海徐汇漕溪北路88号.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

from guanxi.customers.names import CJK, has_cjk, pinyin_syllables

_TO_SIMPLIFIED = opencc.OpenCC("t2s")

# What people write after a surname instead of the given name (张先生, 王总, 李老师).
_CJK_HONORIFICS = ("先生", "女士", "小姐", "老师", "经理", "总监", "太太", "阿姨", "总")
_LATIN_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam"}
_PUNCTUATION = re.compile(r"[\s·•・.,，。、'’\"“”()（）\-_/\\]+")
_LATIN_TOKEN = re.compile(r"[a-z]+")

# Company suffixes that say nothing about which company it is.
_COMPANY_NOISE = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|集团|公司|分公司|"
    r"\b(co|company|corp|corporation|inc|incorporated|ltd|limited|llc|gmbh|group)\b)"
)
_BRACKETED = re.compile(r"[(（][^)）]*[)）]")
_ADDRESS_NOISE = re.compile(r"[\s,，。.#\-－—]+")
_GENERIC_MAILBOXES = {
    "info", "admin", "sales", "service", "contact", "hr", "office", "support", "mail", "kefu",
    "hello", "webmaster", "noreply",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def simplified(text: str) -> str:
    """NFKC (full-width digits and letters), then traditional characters to simplified ones."""
    folded = unicodedata.normalize("NFKC", text or "")
    return _TO_SIMPLIFIED.convert(folded) if has_cjk(folded) else folded


def _latin_folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _without_honorific(name: str) -> str:
    for honorific in _CJK_HONORIFICS:
        if name.endswith(honorific) and len(name) > len(honorific):
            return name[: -len(honorific)]
    return name


@lru_cache(maxsize=400_000)
def name_parts(name: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(comparable name, pinyin syllables of its Chinese characters, Latin tokens).

    The comparable name is simplified, lower case, without spaces, punctuation or honorifics:
    张 先生 → 张, "Dr. John  Smith" → johnsmith.
    """
    text = simplified(" ".join((name or "").split()))
    tokens = _LATIN_TOKEN.findall(_latin_folded(text))
    latin = tuple(t for t in tokens if t not in _LATIN_HONORIFICS)
    chinese = _without_honorific("".join(CJK.findall(text)))
    comparable = chinese + "".join(latin) if chinese else "".join(latin)
    if not comparable:
        comparable = _PUNCTUATION.sub("", text.lower())
    return comparable, pinyin_syllables(chinese) if chinese else (), latin


def spoken_forms(syllables: tuple[str, ...], latin: tuple[str, ...]) -> frozenset[str]:
    """How the name sounds, in the written order and with the family name moved to the end.

    张伟 → {zhangwei, weizhang}; "Wei Zhang" → {weizhang, zhangwei}: so the two meet.
    """
    forms: set[str] = set()
    for tokens in (syllables, latin):
        if tokens:
            forms.add("".join(tokens))
            forms.add("".join(tokens[1:] + tokens[:1]))
            forms.add("".join(tokens[-1:] + tokens[:-1]))
    return frozenset(forms)


def name_key(syllables: tuple[str, ...], latin: tuple[str, ...]) -> str:
    """The blocking key of a name: the letters of its sound, sorted, so that order, script and
    spacing do not matter (张雪帆, "Zhang Xuefan", "Xue Fan Zhang" share it)."""
    return "".join(sorted("".join(syllables or latin)))


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("h", "f"), ("r", "l"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"), ("uang", "uan"), ("iang", "ian"))


def fuzzy_syllable(syllable: str) -> str:
    """The syllable as a pinyin keyboard's "fuzzy sounds" (模糊音) hear it: zh = z, ing = in,
    l = n ..., the slips that give 张晶 for 张金 or 刘 for 牛 when a name is typed."""
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


def email_normalised(email: str) -> str:
    return (email or "").strip().lower()


def email_local_part(email: str) -> str:
    """The part before @ when it can tell a person (not info@, sales@ ...)."""
    local = email.partition("@")[0]
    return "" if len(local) < 3 or local in _GENERIC_MAILBOXES else local


def phone_ending(e164: str) -> str:
    """Last 8 digits: 021 6234 5678 and 6234 5678 (written without the area code) meet."""
    digits = "".join(c for c in e164 if c.isdigit())
    return digits[-8:] if len(digits) >= 8 else ""


@lru_cache(maxsize=200_000)
def company_normalised(name: str) -> str:
    text = _BRACKETED.sub("", simplified(name or "").lower())
    return _PUNCTUATION.sub("", _COMPANY_NOISE.sub("", text))


@lru_cache(maxsize=200_000)
def street_normalised(street: str) -> str:
    return _ADDRESS_NOISE.sub("", simplified(street or "").lower())


def place_normalised(place: str) -> str:
    """上海市 → 上海, 徐汇区 → 徐汇: the suffix is written or left out at will."""
    text = simplified(place or "").strip()
    if len(text) > 2 and text[-1] in "省市区县":
        return text[:-1]
    return text


def website_domain(url: str) -> str:
    text = (url or "").strip().lower()
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0].split(":", 1)[0]
    return text.removeprefix("www.")
