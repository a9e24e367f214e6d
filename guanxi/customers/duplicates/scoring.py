"""How likely two records are one customer, and why.

Fellegi–Sunter: each comparison (name, phone, e-mail, ...) lands on one level (same, similar,
different, missing) and adds its weight, log2(m / u) in bits: m is how often two records of one
person agree that way, u how often two different people do. The sum, plus the prior odds that a
candidate pair is a match, becomes a probability. A missing value adds nothing. The weights are
fixed and documented in docs/duplicates.md; they were tuned on the generated labelled set
(``labelled.py``), and each reason keeps its weight so a reviewer sees what decided.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.fuzz import ratio

from guanxi.customers.duplicates.facts import AccountFacts, ContactFacts
from guanxi.customers.duplicates.normalise import (
    email_local_part,
    fuzzy_syllable,
    phone_ending,
    simplified,
    spoken_forms,
)
from guanxi.customers.duplicates.reasons import Reason

# Bits of evidence per comparison level; see docs/duplicates.md for the m/u behind each.
WEIGHTS: dict[str, float] = {
    "name_same": 10.0,
    "name_variant": 10.0,
    "name_order_swapped": 9.5,
    "name_sound_same": 7.0,
    "name_similar": 5.0,
    "name_contained": 1.0,
    "name_differs": -6.0,
    "phone_same": 13.0,
    "phone_same_landline": 4.0,
    "phone_same_ending": 7.0,
    "phone_differs": -2.5,
    "email_same": 13.0,
    "email_same_local": 3.0,
    "email_differs": -2.0,
    "birthday_same": 5.0,
    "birthday_close": 1.0,
    "birthday_differs": -7.0,
    "identifier_same": 18.0,
    "identifier_differs": -18.0,
    "street_same": 4.0,
    "street_similar": 2.5,
    "postcode_same": 1.5,
    "district_same": 0.5,
    "city_same": 0.5,
    "city_differs": -2.0,
    "company_same": 1.0,
    "company_differs": -1.0,
    "website_same": 10.0,
    "website_differs": -2.0,
}
# Log2 of the prior odds that a candidate pair (sharing a block) is one customer.
CONTACT_PRIOR = -11.0
ACCOUNT_PRIOR = -8.0
TYPO_SIMILARITY = 0.92
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float  # probability in [0, 1]
    decision: str | None  # "certain", "review" or None
    reasons: list[Reason] = field(default_factory=list)


def decision_for(score: float) -> str | None:
    if score >= settings.GUANXI_DUPLICATE_CERTAIN:
        return "certain"
    if score >= settings.GUANXI_DUPLICATE_REVIEW:
        return "review"
    return None


def _reason(field_name: str, code: str, **params: object) -> Reason:
    return Reason(field_name, WEIGHTS[code], code, params)


def _combined(prior: float, reasons: list[Reason]) -> PairScore:
    bits = prior + sum(r.weight for r in reasons)
    score = 1.0 / (1.0 + math.pow(2.0, -bits)) if bits > -60 else 0.0
    return PairScore(score=score, decision=decision_for(score), reasons=reasons)


def _spoken(a: ContactFacts | AccountFacts, b: ContactFacts | AccountFacts) -> str:
    """The pinyin of the Chinese-written name of the two, else the Latin one."""
    return " ".join(b.syllables or a.syllables or b.latin)


def compare_names(a: ContactFacts | AccountFacts, b: ContactFacts | AccountFacts) -> Reason | None:
    if not a.name or not b.name:
        return None
    shown = b.written_name.strip()
    if a.name == b.name:
        converted = simplified(a.written_name) != a.written_name or simplified(shown) != shown
        if converted and a.written_name.strip() != shown:
            return _reason("name", "name_variant", name=shown)
        return _reason("name", "name_same", name=shown)
    latin_only = a.latin and b.latin and not a.syllables and not b.syllables
    if latin_only and sorted(a.latin) == sorted(b.latin):
        return _reason("name", "name_order_swapped", name=shown)
    if spoken_forms(a.syllables, a.latin) & spoken_forms(b.syllables, b.latin):
        return _reason("name", "name_sound_same", pinyin=_spoken(a, b))
    if _typo(a, b):
        return _reason("name", "name_similar", name=shown)
    if a.name in b.name or b.name in a.name:
        return _reason("name", "name_contained", name=shown)
    return _reason("name", "name_differs")


def _typo(a: ContactFacts | AccountFacts, b: ContactFacts | AccountFacts) -> bool:
    """A slip of the keyboard. Chinese names are typed with a pinyin keyboard, so their slips
    are characters of a nearly equal sound (模糊音: zh/z, ing/in, l/n); a one-letter difference in
    pinyin is another name altogether (徐英, 徐洋). Latin names slip by a letter added, lost or
    swapped."""
    if a.syllables and b.syllables:
        return len(a.syllables) == len(b.syllables) and [
            fuzzy_syllable(s) for s in a.syllables
        ] == [fuzzy_syllable(s) for s in b.syllables]
    if not a.latin or not b.latin:
        return False
    left_forms = spoken_forms(a.syllables, a.latin) or {a.name}
    right_forms = spoken_forms(b.syllables, b.latin) or {b.name}
    for left in left_forms:
        for right in right_forms:
            if min(len(left), len(right)) < 5:
                continue
            if DamerauLevenshtein.distance(left, right, score_cutoff=1) <= 1:
                return True
            if (
                JaroWinkler.similarity(left, right) >= TYPO_SIMILARITY
                and abs(len(left) - len(right)) <= 1
                and DamerauLevenshtein.distance(left, right, score_cutoff=2) <= 2
            ):
                return True
    return False


def compare_phones(a: ContactFacts, b: ContactFacts) -> Reason | None:
    if not a.phones or not b.phones:
        return None
    shared = a.phones & b.phones
    if shared:
        personal = sorted(shared & (a.mobiles | b.mobiles))
        if personal:
            return _reason("phone", "phone_same", phone=personal[0])
        return _reason("phone", "phone_same_landline", phone=min(shared))
    endings = {phone_ending(p) for p in a.phones} & {phone_ending(p) for p in b.phones}
    endings.discard("")
    if endings:
        return _reason("phone", "phone_same_ending", ending=min(endings))
    return _reason("phone", "phone_differs")


def compare_emails(a: ContactFacts, b: ContactFacts) -> Reason | None:
    if not a.emails or not b.emails:
        return None
    shared = a.emails & b.emails
    if shared:
        return _reason("email", "email_same", email=min(shared))
    locals_ = {email_local_part(e) for e in a.emails} & {email_local_part(e) for e in b.emails}
    locals_.discard("")
    if locals_:
        return _reason("email", "email_same_local", local=min(locals_))
    return _reason("email", "email_differs")


def _one_slip(a: datetime.date, b: datetime.date) -> bool:
    """Day and month swapped, or one digit of the date mistyped."""
    if (a.year, a.month, a.day) == (b.year, b.day, b.month):
        return True
    left, right = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    return sum(x != y for x, y in zip(left, right, strict=True)) == 1


def compare_birthdays(a: ContactFacts, b: ContactFacts) -> Reason | None:
    if a.birthday is None or b.birthday is None:
        return None
    if a.birthday == b.birthday:
        return _reason("birthday", "birthday_same")
    if _one_slip(a.birthday, b.birthday):
        return _reason("birthday", "birthday_close")
    return _reason("birthday", "birthday_differs")


def compare_identifiers(
    a: ContactFacts | AccountFacts, b: ContactFacts | AccountFacts
) -> list[Reason]:
    reasons = []
    for key in sorted(a.identifiers.keys() & b.identifiers.keys()):
        same = a.identifiers[key] == b.identifiers[key]
        code = "identifier_same" if same else "identifier_differs"
        reasons.append(_reason(f"custom.{key}", code, field=key))
    return reasons


def _same_house_number(left: str, right: str) -> bool:
    """漕溪北路12号 and 漕溪北路123号 are look-alike strings but two buildings; 88号 and 88号3楼
    may be one (the longer one says more)."""
    left_numbers, right_numbers = _NUMBERS.findall(left), _NUMBERS.findall(right)
    shorter, longer = sorted((left_numbers, right_numbers), key=len)
    return longer[: len(shorter)] == shorter


def compare_addresses(
    a: ContactFacts | AccountFacts, b: ContactFacts | AccountFacts
) -> Reason | None:
    same_place = not (a.city and b.city and a.city != b.city)
    if a.street and b.street and same_place and _same_house_number(a.street, b.street):
        similarity = ratio(a.street, b.street) / 100
        if similarity >= 0.95:
            return _reason("street", "street_same")
        if similarity >= 0.8:
            return _reason("street", "street_similar")
    if a.postcode and a.postcode == b.postcode:
        return _reason("postcode", "postcode_same")
    if a.district and a.district == b.district and same_place:
        return _reason("district", "district_same")
    if a.city and b.city:
        return _reason("city", "city_same" if a.city == b.city else "city_differs")
    return None


def compare_companies(a: ContactFacts, b: ContactFacts) -> Reason | None:
    if not a.company or not b.company:
        return None
    return _reason("account", "company_same" if a.company == b.company else "company_differs")


def compare_websites(a: AccountFacts, b: AccountFacts) -> Reason | None:
    if not a.website or not b.website:
        return None
    if a.website == b.website:
        return _reason("website", "website_same", domain=a.website)
    return _reason("website", "website_differs")


def _present(*reasons: Reason | None) -> list[Reason]:
    return [r for r in reasons if r is not None]


def score_contacts(a: ContactFacts, b: ContactFacts) -> PairScore:
    reasons = _present(
        compare_names(a, b),
        compare_phones(a, b),
        compare_emails(a, b),
        compare_birthdays(a, b),
    )
    reasons += compare_identifiers(a, b)
    reasons += _present(compare_addresses(a, b), compare_companies(a, b))
    return _combined(CONTACT_PRIOR, reasons)


def score_accounts(a: AccountFacts, b: AccountFacts) -> PairScore:
    reasons = _present(compare_names(a, b), compare_websites(a, b))
    reasons += compare_identifiers(a, b)
    reasons += _present(compare_addresses(a, b))
    return _combined(ACCOUNT_PRIOR, reasons)


SCORERS: dict[str, Callable[..., PairScore]] = {
    "contact": score_contacts,
    "account": score_accounts,
}
