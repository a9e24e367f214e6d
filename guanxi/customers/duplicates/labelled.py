"""A generated labelled set: bilingual people, their realistic duplicates, and hard look-alikes.

Precision, recall and F1 of the detector are measured on it (tests, ``bench/duplicates.py``).
A duplicate is the same person entered again the way people do it: a typo, a character of the
same sound (张伟 / 章伟), traditional characters, the Latin name in the other order or the
Chinese name in pinyin, the phone written 138-0013-8000 / +86 138 0013 8000 / 8613800138000,
an e-mail in capitals, fields left out, the address written another way. The look-alikes are
different people who share a lot: two 张伟 in one city, family members with one landline and
one address, colleagues at one company.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

import opencc
from django.db import transaction
from django.utils import timezone

from guanxi.core.bulk import analyze, insert_rows, reserve_ids, reset_sequences
from guanxi.customers.demo import GIVEN, LATIN_FIRST, LATIN_LAST, MOBILE_PREFIXES, PLACES, SURNAMES
from guanxi.customers.models import Account, Contact, ContactEmail, ContactPhone
from guanxi.customers.names import name_pinyin, sort_key
from guanxi.customers.phones import inferred_kind, normalize_phone

_TO_TRADITIONAL = opencc.OpenCC("s2t")
SAME_SOUND = {
    "张": "章", "王": "汪", "刘": "柳", "陈": "晨", "杨": "阳", "黄": "皇", "吴": "武", "徐": "许",
    "何": "贺", "伟": "玮炜威", "明": "铭名", "华": "桦", "丽": "莉俐", "静": "婧", "杰": "洁捷",
    "芳": "方", "敏": "闵", "军": "君", "勇": "永", "娜": "那", "磊": "蕾", "涛": "韬", "斌": "彬",
    "林": "琳霖", "平": "萍", "红": "虹宏", "辉": "晖", "刚": "钢", "峰": "锋", "艳": "燕",
    "婷": "庭", "鹏": "朋", "宇": "雨语", "浩": "昊", "建": "健", "晨": "辰", "霞": "侠",
    "强": "墙", "超": "潮",
    "玲": "铃", "飞": "菲", "欢": "环", "亮": "靓", "雪": "薛", "倩": "茜", "佳": "嘉", "慧": "惠",
}  # fmt: skip
MAIL_DOMAINS = ["163.com", "qq.com", "126.com", "sina.com", "gmail.com", "outlook.com"]
STREETS = ["漕溪北路", "人民路", "中山路", "解放路", "建设路", "南京西路", "天府大道", "科技园路"]
DISTRICT_OF = ["朝阳区", "海淀区", "浦东新区", "徐汇区", "天河区", "南山区", "西湖区", "武侯区"]
COMPANIES = [
    first + second + kind
    for first, second in zip("华恒瑞鑫宏嘉天金东中博安", "联信祥源远兴成鼎方科通达", strict=True)
    for kind in ("科技", "贸易", "餐饮", "电子", "咨询", "零售", "汽车", "酒店", "物业", "建材")
]  # 120 companies


@dataclass(frozen=True)
class Person:
    """One entry as someone typed it; ``person`` is who it really is (the label)."""

    external_id: str
    person: int
    name: str
    phones: tuple[str, ...] = ()  # as written
    emails: tuple[str, ...] = ()
    birthday: datetime.date | None = None
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""
    company: str = ""


@dataclass
class LabelledSet:
    records: list[Person] = field(default_factory=list)

    def true_pairs(self) -> set[tuple[str, str]]:
        """Every pair of entries of one person, as sorted external ids."""
        by_person: dict[int, list[str]] = defaultdict(list)
        for record in self.records:
            by_person[record.person].append(record.external_id)
        return {
            tuple(sorted(pair))  # type: ignore[misc]
            for ids in by_person.values()
            for pair in combinations(ids, 2)
        }


@dataclass(frozen=True)
class Quality:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def measure(labelled: LabelledSet, found: Iterable[tuple[str, str]]) -> Quality:
    truth = labelled.true_pairs()
    predicted = {tuple(sorted(pair)) for pair in found}
    hits = len(truth & predicted)
    return Quality(hits, len(predicted) - hits, len(truth) - hits)


class _Maker:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.mobiles: set[str] = set()
        self.places = list(PLACES.items())

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def chinese_name(self, surname: str | None = None) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.6 else "")
        return (surname or self.rng.choice(SURNAMES[:40])) + given

    def person(self, number: int) -> Person:
        rng = self.rng
        latin = rng.random() < 0.15
        name = (
            f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}" if latin else self.chinese_name()
        )
        spoken = name.lower().replace(" ", "") if latin else name_pinyin(name).replace(" ", "")
        province, cities = rng.choice(self.places)
        has_address = rng.random() < 0.7
        return Person(
            external_id=f"P{number:07d}",
            person=number,
            name=name,
            phones=(self.mobile(),) if rng.random() < 0.9 else (),
            emails=(f"{spoken}{rng.randrange(100, 9999)}@{rng.choice(MAIL_DOMAINS)}",)
            if rng.random() < 0.5
            else (),
            birthday=datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))
            if rng.random() < 0.6
            else None,
            province=province if has_address else "",
            city=rng.choice(cities) if has_address else "",
            district=rng.choice(DISTRICT_OF) if has_address else "",
            street=f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号" if has_address else "",
            postcode=f"{rng.randrange(100000, 850000)}"
            if has_address and rng.random() < 0.5
            else "",
            company=rng.choice(COMPANIES) + "有限公司" if rng.random() < 0.4 else "",
        )

    # --- how a duplicate differs --------------------------------------------------------------
    def renamed(self, name: str) -> str:
        rng = self.rng
        if " " in name:  # a Latin name
            first, last = name.split(" ", 1)
            choice = rng.random()
            if choice < 0.4:
                return f"{last} {first}"
            if choice < 0.7:
                return f"{first.upper()} {last.upper()}"
            position = rng.randrange(1, len(first))
            return f"{first[:position]}{first[position + 1 :]} {last}"  # a letter lost
        choice = rng.random()
        if choice < 0.3:
            replaceable = [i for i, c in enumerate(name) if c in SAME_SOUND]
            if replaceable:
                i = rng.choice(replaceable)
                return name[:i] + rng.choice(SAME_SOUND[name[i]]) + name[i + 1 :]
        if choice < 0.5:
            return _TO_TRADITIONAL.convert(name)
        if choice < 0.65:
            syllables = name_pinyin(name).split()
            family, given = syllables[0].title(), "".join(syllables[1:]).title()
            return f"{given} {family}" if rng.random() < 0.5 else f"{family} {given}"
        if choice < 0.75:
            return name[0] + " ".join(name[1:]) if len(name) > 2 else f" {name} "
        return name

    def phone_written(self, number: str) -> str:
        forms = [
            number,
            f"{number[:3]}-{number[3:7]}-{number[7:]}",
            f"+86 {number[:3]} {number[3:7]} {number[7:]}",
            f"86{number}",
            f"({number[:3]}) {number[3:]}",
        ]
        return self.rng.choice(forms)

    def duplicate(self, original: Person, number: int) -> Person:
        rng = self.rng
        copy = replace(original, external_id=f"P{number:07d}", name=self.renamed(original.name))
        phones = tuple(self.phone_written(p) for p in original.phones)
        if phones and rng.random() < 0.15:
            phones = ()  # left out
        elif rng.random() < 0.1:
            phones = (*phones, self.mobile())  # a second phone
        emails = original.emails
        if emails and rng.random() < 0.3:
            emails = tuple(e.upper() if rng.random() < 0.5 else e.title() for e in emails)
        if emails and rng.random() < 0.2:
            emails = ()
        if not phones and not emails and original.phones:
            phones = (self.phone_written(original.phones[0]),)
        birthday = original.birthday
        if birthday and rng.random() < 0.2:
            birthday = None
        elif birthday and rng.random() < 0.05 and birthday.day <= 12:
            birthday = birthday.replace(month=birthday.day, day=birthday.month)
        copy = replace(copy, phones=phones, emails=emails, birthday=birthday)
        if copy.city and rng.random() < 0.3:
            copy = replace(
                copy,
                city=copy.city.removesuffix("市"),
                district=copy.district.removesuffix("区"),
                street=copy.street.replace("号", " 号").translate(_FULL_WIDTH),
            )
        if copy.city and rng.random() < 0.2:
            copy = replace(copy, province="", city="", district="", street="", postcode="")
        if copy.company and rng.random() < 0.3:
            copy = replace(copy, company=copy.company.removesuffix("有限公司"))
        return copy

    # --- different people who look alike ---------------------------------------------------------
    def namesake(self, original: Person, number: int) -> Person:
        other = self.person(number)
        return replace(other, name=original.name, province=original.province, city=original.city)

    def relative(self, original: Person, number: int) -> tuple[Person, str]:
        other = self.person(number)
        surname = original.name[0] if " " not in original.name else None
        landline = (
            f"0{self.rng.choice(['21', '10', '20', '755'])}{self.rng.randrange(10**7, 10**8)}"
        )
        return replace(
            other,
            name=self.chinese_name(surname) if surname else other.name,
            phones=(*other.phones, landline),
            province=original.province,
            city=original.city,
            district=original.district,
            street=original.street,
            postcode=original.postcode,
        ), landline


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def labelled_set(people: int, *, seed: int = 8) -> LabelledSet:
    """``people`` distinct people; about a third entered twice or three times; look-alikes."""
    maker = _Maker(seed)
    rng = maker.rng
    records: list[Person] = []
    number = 0

    def next_number() -> int:
        nonlocal number
        number += 1
        return number

    for _ in range(people):
        original = maker.person(next_number())
        records.append(original)
        draw = rng.random()
        copies = 2 if draw < 0.05 else 1 if draw < 0.35 else 0
        records.extend(maker.duplicate(original, next_number()) for _ in range(copies))
        look = rng.random()
        if look < 0.05:
            records.append(maker.namesake(original, next_number()))
        elif look < 0.10:
            relative, landline = maker.relative(original, next_number())
            records[-1 - copies] = replace(original, phones=(*original.phones, landline))
            records.append(relative)
    return LabelledSet(records)


def write_labelled(
    labelled: LabelledSet, *, org_id: int, owner_id: int, batch: int = 20_000
) -> dict[str, int]:
    """Insert the entries as contacts (with phones, e-mails and companies) the fast way, phones
    normalised as an import would; returns {external id: contact id}."""
    now = timezone.now()
    companies = sorted({r.company for r in labelled.records if r.company})
    company_ids = dict(zip(companies, reserve_ids(Account, len(companies)), strict=True))
    with transaction.atomic():
        insert_rows(
            Account,
            [*_RECORD_COLUMNS, "name", "sort_key", "industry", "size", "website"],
            [
                (*_record_values(pk, org_id, owner_id, now), name, sort_key(name), "", "", "")
                for name, pk in company_ids.items()
            ],
        )
    ids: dict[str, int] = {}
    records = labelled.records
    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        with transaction.atomic():
            pks = reserve_ids(Contact, len(chunk))
            rows: list[tuple[Any, ...]] = []
            phones: list[tuple[Any, ...]] = []
            emails: list[tuple[Any, ...]] = []
            for pk, record in zip(pks, chunk, strict=True):
                ids[record.external_id] = pk
                rows.append(_contact_row(pk, record, org_id, owner_id, now, company_ids))
                numbers = dict.fromkeys(normalize_phone(p) for p in record.phones)
                phones.extend(
                    (pk, e164, inferred_kind(e164), position)
                    for position, e164 in enumerate(numbers)
                )
                addresses = dict.fromkeys(e.strip().lower() for e in record.emails)
                emails.extend((pk, e, "personal", i) for i, e in enumerate(addresses))
            insert_rows(Contact, _CONTACT_COLUMNS, rows)
            insert_rows(ContactPhone, ["contact_id", "number", "kind", "position"], phones)
            insert_rows(ContactEmail, ["contact_id", "email", "kind", "position"], emails)
    reset_sequences(Account, Contact, ContactPhone, ContactEmail)
    analyze(Account, Contact, ContactPhone, ContactEmail)
    return ids


_RECORD_COLUMNS = [
    "id", "public_id", "created_at", "updated_at", "org_id", "version", "owner_id", "team_id",
    "visibility", "province", "city", "district", "street", "postcode", "custom", "description",
    "deleted_at",
]  # fmt: skip
_CONTACT_COLUMNS = [
    *_RECORD_COLUMNS, "name", "pinyin", "sort_key", "title", "account_id", "account_role",
    "wechat_id", "birthday", "gender", "source", "external_id",
]  # fmt: skip


def _record_values(
    pk: int, org_id: int, owner_id: int, now: datetime.datetime, record: Person | None = None
) -> tuple[Any, ...]:
    place = record or Person("", 0, "")
    return (
        pk, uuid.uuid4(), now, now, org_id, 1, owner_id, None, "org", place.province, place.city,
        place.district, place.street, place.postcode, "{}", "", None,
    )  # fmt: skip


def _contact_row(
    pk: int,
    record: Person,
    org_id: int,
    owner_id: int,
    now: datetime.datetime,
    company_ids: dict[str, int],
) -> tuple[Any, ...]:
    name = " ".join(record.name.split())
    return (
        *_record_values(pk, org_id, owner_id, now, record),
        name, name_pinyin(name), sort_key(name), "", company_ids.get(record.company), "", "",
        record.birthday, "", "labelled", record.external_id,
    )  # fmt: skip
