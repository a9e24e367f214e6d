"""Deterministic, realistic bilingual demo data, written through the bulk path.

The same ``seed`` gives the same customers on every machine (names, +86 mobiles, provinces and
cities, companies, activities). Search keys are built by the same code as for hand-made records,
so demo data searches exactly like real data.
"""

from __future__ import annotations

import datetime
import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import opencc
from django.db import transaction
from django.utils import timezone

from guanxi.core.bulk import analyze, insert_rows, next_id, reset_sequences
from guanxi.customers import search
from guanxi.customers.models import (
    Account,
    AccountSearchToken,
    Activity,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactSearchToken,
    CustomField,
    CustomIdentifier,
)
from guanxi.customers.names import name_pinyin, sort_key

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏建华红辉丹玲飞桂兰鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国婷亮成峰雪琳晨志强慧倩颖佳楠"
LATIN_FIRST = [
    "James",
    "Mary",
    "John",
    "Linda",
    "David",
    "Emma",
    "Michael",
    "Sophia",
    "Daniel",
    "Olivia",
    "Kevin",
    "Grace",
    "Eric",
    "Lucy",
    "Tony",
    "Helen",
    "Peter",
    "Amy",
]
LATIN_LAST = [
    "Smith",
    "Johnson",
    "Brown",
    "Wilson",
    "Taylor",
    "Lee",
    "Walker",
    "Young",
    "Chen",
    "Wong",
    "Lam",
    "Ho",
    "Clark",
    "Lewis",
    "Hall",
    "Allen",
]
PLACES = {
    "北京市": ["北京市"],
    "上海市": ["上海市"],
    "天津市": ["天津市"],
    "重庆市": ["重庆市"],
    "广东省": ["广州市", "深圳市", "佛山市", "东莞市"],
    "浙江省": ["杭州市", "宁波市", "温州市"],
    "江苏省": ["南京市", "苏州市", "无锡市"],
    "四川省": ["成都市", "绵阳市"],
    "湖北省": ["武汉市", "宜昌市"],
    "山东省": ["济南市", "青岛市", "烟台市"],
    "福建省": ["福州市", "厦门市"],
    "河南省": ["郑州市", "洛阳市"],
    "湖南省": ["长沙市"],
    "陕西省": ["西安市"],
    "辽宁省": ["沈阳市", "大连市"],
}
DISTRICTS = ["朝阳区", "海淀区", "浦东新区", "天河区", "南山区", "西湖区", "鼓楼区", "武侯区"]
COMPANY_WORDS = "华联盛通达恒信泰和瑞祥鑫源宏远博安嘉兴创新天成金鼎东方中科"
COMPANY_KINDS = ["科技", "贸易", "餐饮", "酒店", "汽车销售", "物业管理", "电子", "咨询", "零售"]
COMPANY_SUFFIX = ["有限公司", "股份有限公司", "集团有限公司"]
INDUSTRIES = ["酒店", "餐饮", "零售", "汽车", "物业", "制造", "软件", "咨询"]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "170",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
]
ACCOUNT_ROLES = ["decision_maker", "influencer", "user", "other"]
SOURCES = ["门店", "官网", "展会", "转介绍", "微信", "电话"]
TAGS_NOTE = ["VIP", "会员", "新客户", "老客户"]
NOTE_TEXTS = [
    "电话回访，客户满意。",
    "客户询问会员卡积分。",
    "Discussed renewal of the annual contract.",
    "到店消费，推荐新品。",
    "Sent the price list by e-mail.",
    "客户反馈服务响应慢，已安排跟进。",
]
BATCH = 20_000
_TO_TRADITIONAL = opencc.OpenCC("s2t")


@dataclass(frozen=True)
class DemoSize:
    contacts: int
    accounts: int
    activities: int


def demo_size(contacts: int) -> DemoSize:
    return DemoSize(contacts=contacts, accounts=max(1, contacts // 10), activities=contacts // 2)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _person_name(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}"
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def _company_name(rng: random.Random, city: str) -> str:
    words = rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_WORDS)
    return (
        f"{city.removesuffix('市')}{words}{rng.choice(COMPANY_KINDS)}{rng.choice(COMPANY_SUFFIX)}"
    )


def _batches(total: int) -> Iterator[range]:
    for start in range(0, total, BATCH):
        yield range(start, min(total, start + BATCH))


def _record_row(
    rng: random.Random,
    *,
    pk: int,
    org_id: int,
    owner_ids: list[int],
    created: datetime.datetime,
    province: str,
    city: str,
) -> dict[str, Any]:
    """Columns every account and contact row has (see ``models.base.CustomerRecord``)."""
    return {
        "id": pk,
        "public_id": _uuid(rng),
        "created_at": created,
        "updated_at": created,
        "org_id": org_id,
        "version": 1,
        "owner_id": rng.choice(owner_ids),
        "team_id": None,
        "visibility": "org",
        "province": province,
        "city": city,
        "district": rng.choice(DISTRICTS),
        "street": "",
        "description": "",
        "deleted_at": None,
    }


MEMBER_LEVELS = ["普通", "银卡", "金卡", "钻石"]
MEMBER_EVERY = 3  # every third demo contact is a member


def _member_fields(org_id: int) -> tuple[CustomField, CustomField]:
    """The demo's two custom fields (labels are data, so Chinese only), kept if they exist."""
    number, _created = CustomField.objects.get_or_create(
        org_id=org_id,
        entity="contact",
        key="member_no",
        defaults={"label": "会员号", "kind": "identifier", "position": 0},
    )
    level, _created = CustomField.objects.get_or_create(
        org_id=org_id,
        entity="contact",
        key="member_level",
        defaults={"label": "会员等级", "kind": "choice", "choices": MEMBER_LEVELS, "position": 1},
    )
    return number, level


def _member_values(pk: int, offset: int) -> dict[str, Any]:
    if offset % MEMBER_EVERY:
        return {}
    return {"member_no": f"M{pk:08d}", "member_level": MEMBER_LEVELS[(pk // 7) % 4]}


ECHO_EVERY = 40  # one demo contact in forty was entered twice


def _originals(total: int) -> int:
    """How many distinct people make ``total`` contacts once the echoes are added."""
    originals = total
    while originals + (originals + ECHO_EVERY // 2 - 1) // ECHO_EVERY > total:
        originals -= 1
    return originals


def _echo_name(name: str, index: int) -> str:
    """How a second entry of the same person is written: in traditional characters, with the
    family name last for Latin names, or unchanged."""
    if " " in name:
        first, last = name.split(" ", 1)
        return f"{last} {first}"
    if index % 2 == 0:
        return _TO_TRADITIONAL.convert(name)
    return name


@dataclass
class _ContactRows:
    """One batch of demo contacts with their phones, e-mails, search keys and identifiers."""

    contacts: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)
    emails: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    identifiers: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        row: dict[str, Any],
        member_field_id: int,
        name: str,
        e164: str,
        emails: list[str],
        custom: dict[str, Any],
        **columns: Any,
    ) -> None:
        pk = row["id"]
        row.update(
            name=name,
            pinyin=name_pinyin(name),
            sort_key=sort_key(name),
            title="",
            wechat_id="",
            birthday=None,
            gender="",
            external_id="",
            **columns,
        )
        row["custom"] = json.dumps(custom, ensure_ascii=False)
        if custom:
            self.identifiers.append(
                {
                    "field_id": member_field_id,
                    "contact_id": pk,
                    "account_id": None,
                    "value": custom["member_no"],
                }
            )
        self.contacts.append(row)
        self.phones.append({"contact_id": pk, "number": e164, "kind": "mobile", "position": 0})
        self.emails.extend(
            {"contact_id": pk, "email": email, "kind": "work", "position": 0} for email in emails
        )
        keys = search.contact_keys(name=name, phones=[e164], emails=emails)
        self.tokens.extend({"contact_id": pk, "token": key} for key in sorted(keys))


def _write(model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        insert_rows(model, list(rows[0]), [tuple(row.values()) for row in rows])


def generate(
    *,
    org_id: int,
    owner_ids: list[int],
    contacts: int,
    seed: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoSize:
    """Write ``contacts`` contacts, a tenth as many accounts, and activities for half of them."""
    size = demo_size(contacts)
    rng = random.Random(seed)
    now = timezone.now()
    report = progress or (lambda stage, done, total: None)
    places = list(PLACES.items())

    account_start = next_id(Account)
    account_places: list[tuple[str, str]] = []
    for batch in _batches(size.accounts):
        rows: list[dict[str, Any]] = []
        tokens: list[dict[str, Any]] = []
        for offset in batch:
            province, cities = rng.choice(places)
            city = rng.choice(cities)
            name = _company_name(rng, city)
            pk = account_start + offset
            account_places.append((province, city))
            created = now - datetime.timedelta(days=rng.randint(0, 900))
            row = _record_row(
                rng,
                pk=pk,
                org_id=org_id,
                owner_ids=owner_ids,
                created=created,
                province=province,
                city=city,
            )
            row.update(
                name=name,
                sort_key=sort_key(name),
                industry=rng.choice(INDUSTRIES),
                size="",
                website="",
            )
            rows.append(row)
            tokens.extend(
                {"account_id": pk, "token": key} for key in sorted(search.account_keys(name=name))
            )
        with transaction.atomic():
            _write(Account, rows)
            _write(AccountSearchToken, tokens)
        report("accounts", batch.stop, size.accounts)

    contact_start = next_id(Contact)
    originals = _originals(size.contacts)
    echo_start = contact_start + originals
    member_number, _level = _member_fields(org_id)
    phone_seen: set[int] = set()
    echoes = 0
    for batch in _batches(originals):
        out = _ContactRows()

        def add_contact(
            out: _ContactRows,
            pk: int,
            name: str,
            e164: str,
            contact_emails: list[str],
            custom: dict[str, Any],
            **columns: Any,
        ) -> None:
            created = now - datetime.timedelta(
                days=rng.randint(0, 900), seconds=rng.randint(0, 86399)
            )
            row = _record_row(
                rng,
                pk=pk,
                org_id=org_id,
                owner_ids=owner_ids,
                created=created,
                province=columns.pop("province"),
                city=columns.pop("city"),
            )
            out.add(row, member_number.pk, name, e164, contact_emails, custom, **columns)

        for offset in batch:
            pk = contact_start + offset
            name = _person_name(rng)
            at_account = rng.random() < 0.4
            account_index = rng.randrange(size.accounts)
            if at_account:
                province, city = account_places[account_index]
            else:
                province, cities = rng.choice(places)
                city = rng.choice(cities)
            while True:
                number = int(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}")
                if number not in phone_seen:
                    phone_seen.add(number)
                    break
            e164 = f"+86{number}"
            contact_emails = [f"user{pk}@example.com"] if rng.random() < 0.5 else []
            add_contact(
                out,
                pk,
                name,
                e164,
                contact_emails,
                _member_values(pk, offset),
                province=province,
                city=city,
                account_id=account_start + account_index if at_account else None,
                account_role=rng.choice(ACCOUNT_ROLES) if at_account else "",
                source=rng.choice(SOURCES),
            )
            if offset % ECHO_EVERY == ECHO_EVERY // 2:
                # The same person entered again (a trade-show card, an old import): the duplicate
                # review queue has real work to show.
                add_contact(
                    out,
                    echo_start + echoes,
                    _echo_name(name, echoes),
                    e164,
                    contact_emails[:1] if echoes % 3 else [],
                    {},
                    province=province,
                    city=city,
                    account_id=None,
                    account_role="",
                    source="展会",
                )
                echoes += 1
        with transaction.atomic():
            _write(Contact, out.contacts)
            _write(ContactPhone, out.phones)
            _write(ContactEmail, out.emails)
            _write(ContactSearchToken, out.tokens)
            _write(CustomIdentifier, out.identifiers)
        report("contacts", batch.stop, originals)

    activity_start = next_id(Activity)
    for batch in _batches(size.activities):
        rows = []
        for offset in batch:
            occurred = now - datetime.timedelta(
                days=rng.randint(0, 365), seconds=rng.randint(0, 86399)
            )
            is_task = rng.random() < 0.2
            author = rng.choice(owner_ids)
            rows.append(
                {
                    "id": activity_start + offset,
                    "public_id": _uuid(rng),
                    "created_at": occurred,
                    "updated_at": occurred,
                    "org_id": org_id,
                    "version": 1,
                    "kind": "task" if is_task else rng.choice(["note", "call", "meeting"]),
                    "subject": "回访客户" if is_task else "",
                    "body": rng.choice(NOTE_TEXTS),
                    "account_id": None,
                    "contact_id": contact_start + rng.randrange(size.contacts),
                    "created_by_id": author,
                    "occurred_at": occurred,
                    "due_at": now + datetime.timedelta(days=rng.randint(-3, 14))
                    if is_task
                    else None,
                    "assignee_id": author if is_task else None,
                    "done_at": None,
                    "deleted_at": None,
                }
            )
        with transaction.atomic():
            _write(Activity, rows)
        report("activities", batch.stop, size.activities)

    written = (
        Account,
        Contact,
        Activity,
        ContactPhone,
        ContactEmail,
        ContactSearchToken,
        AccountSearchToken,
    )
    reset_sequences(*written)
    analyze(*written)
    return size


def demo_users() -> list[dict[str, Any]]:
    """Sample colleagues so that owners, teams and permissions have something to show."""
    return [
        {
            "username": "wangfang",
            "first_name": "芳",
            "last_name": "王",
            "role": "manager",
            "team": "华东销售",
        },
        {
            "username": "lilei",
            "first_name": "雷",
            "last_name": "李",
            "role": "sales_rep",
            "team": "华东销售",
        },
        {
            "username": "emma",
            "first_name": "Emma",
            "last_name": "",
            "role": "sales_rep",
            "team": "华南销售",
        },
        {
            "username": "zhaomin",
            "first_name": "敏",
            "last_name": "赵",
            "role": "service_agent",
            "team": "客服中心",
        },
    ]
