"""Demo sales: leads from every channel in every status (some overdue), a few converted, and
deals on the board at every stage, linked to the demo companies and people.

Written through the services, as a rep would (audit trail, search keys, timelines included), in
the language active when ``guanxi setup`` runs; deterministic for a seed.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from guanxi.customers.models import Account, Contact
from guanxi.platform.models import User
from guanxi.platform.selectors import system_actor
from guanxi.sales import demo_quotes
from guanxi.sales.choices import DEFAULT_CHANNELS, LeadStatus, StageOutcome
from guanxi.sales.models import Lead, PooledCustomer
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.channels import ensure_default_channels
from guanxi.sales.services.commitments import commitment_close, commitment_create
from guanxi.sales.services.conversion import lead_convert
from guanxi.sales.services.lead_forms import lead_form_create
from guanxi.sales.services.leads import lead_create, lead_update
from guanxi.sales.services.opportunities import (
    opportunity_create,
    opportunity_move_stage,
    opportunity_update,
)
from guanxi.sales.services.pipelines import ensure_default_pipeline
from guanxi.sales.services.pool_customers import customer_release
from guanxi.sales.services.pools import leads_return_to_pools, pool_create
from guanxi.sales.services.scoring import scoring_rule_create

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "艳", "杰", "涛", "明", "超"]
LATIN = ["Olivia Chen", "Lucas Müller", "Sofia Rossi", "Noah Smith", "Mia Tanaka", "Leo Martin"]
COMPANIES = [
    "华联超市",
    "新世纪酒店",
    "悦来茶餐厅",
    "恒通汽车",
    "金色家园物业",
    "百草堂药房",
    "Blue Harbor Hotel",
    "Sunrise Motors",
    "蓝海连锁便利店",
    "凯旋健身会所",
]
TITLES = ["采购经理", "总经理", "店长", "IT 主管", "Operations Manager", "行政主管"]
MESSAGES = [
    "想了解会员系统的报价，门店 12 家。",
    "展会上聊过，请发一份方案。",
    "我们的 POS 数据能导进来吗？",
    "Looking for a CRM for our hotel group, 3 properties.",
    "",
]
# (label, kind, field, contains, points): what a shop-systems seller looks for in a lead.
SCORING_RULES = [
    ("决策人 Decision maker", "fit", "title", "经理", 20),
    ("总经理 General manager", "fit", "title", "总", 25),
    ("有公司 Has a company", "fit", "company", "", 10),
    ("转介绍 Referral", "engagement", "channel", "referral", 15),
    ("展会 Met at a trade show", "engagement", "utm_campaign", "expo", 10),
    ("留言 Left a message", "engagement", "message", "", 5),
]
LOST_REASONS = ["价格太高", "选择了竞争对手", "项目取消", "No budget this year"]
DEAL_NAMES = ["会员系统", "门店收银升级", "年度服务合同", "积分商城", "Hotel CRM rollout"]


PROMISES = [
    "周五前寄样品",
    "下周一发正式报价",
    "安排技术人员上门演示",
    "Send the contract draft",
    "月底前确认会员折扣",
    "回电说明退款进度",
]


@dataclass(frozen=True)
class SalesDemoSize:
    leads: int
    converted: int
    opportunities: int
    commitments: int = 0
    quotes: int = 0
    pooled: int = 0


def _sellers(org_id: int) -> list[User]:
    users = User.objects.filter(org_id=org_id, is_active=True).order_by("pk")
    return [u for u in users if u.has_role_permission(SalesPermission.CHANGE_LEADS)]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _name(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(LATIN)
    return rng.choice(FAMILY) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate(*, org_id: int, seed: int = 1, leads: int = 60, deals: int = 36) -> SalesDemoSize:
    rng = random.Random(seed)
    sellers = _sellers(org_id)
    if not sellers:
        return SalesDemoSize(0, 0, 0)
    ensure_default_channels(org_id)
    pipeline = ensure_default_pipeline(org_id)
    stages = list(pipeline.stages.all())
    codes = [code for code, _label in DEFAULT_CHANNELS]
    now = timezone.now()
    converted = 0
    for index in range(leads):
        owner = sellers[index % len(sellers)]
        company = rng.choice(COMPANIES) if rng.random() < 0.8 else ""
        created = now - datetime.timedelta(hours=rng.randint(1, 24 * 30))
        lead = lead_create(
            actor=owner,
            name=_name(rng),
            phones=[_phone(rng)],
            emails=[f"lead{index}@example.com"] if rng.random() < 0.6 else [],
            company=company,
            title=rng.choice(TITLES),
            source=codes[index % len(codes)],
            message=rng.choice(MESSAGES),
            utm_campaign="expo-2026" if index % 9 == 1 else "",
            now=created,
        )
        Lead.objects.filter(pk=lead.pk).update(created_at=created)
        roll = rng.random()
        if roll < 0.35:
            continue  # new: some of them past their response deadline
        if roll < 0.55:
            lead_update(actor=owner, lead=lead, version=lead.version, status=LeadStatus.WORKING)
        elif roll < 0.7:
            lead_update(
                actor=owner,
                lead=lead,
                version=lead.version,
                status=LeadStatus.DISQUALIFIED,
                disqualified_reason=rng.choice(["无预算", "学生咨询", "No decision power"]),
            )
        elif company:
            lead_convert(
                actor=owner,
                lead=lead,
                create_opportunity=rng.random() < 0.6,
                opportunity_name=f"{company} · {rng.choice(DEAL_NAMES)}",
                amount=Decimal(rng.randint(20, 400) * 500),
            )
            converted += 1
    accounts = list(Account.objects.filter(org_id=org_id, deleted_at__isnull=True)[:200])
    made = 0
    for index in range(deals):
        owner = sellers[index % len(sellers)]
        account = rng.choice(accounts) if accounts else None
        contact = (
            Contact.objects.filter(account=account, deleted_at__isnull=True).first()
            if account
            else None
        )
        deal = opportunity_create(
            actor=owner,
            name=f"{account.name if account else _name(rng)} · {rng.choice(DEAL_NAMES)}",
            amount=Decimal(rng.randint(10, 600) * 500),
            account=account,
            contact=contact,
            expected_close=(now + datetime.timedelta(days=rng.randint(-20, 90))).date(),
            owner=owner,
        )
        target = stages[index % len(stages)]
        if target.outcome == StageOutcome.LOST:
            opportunity_update(
                actor=owner,
                opportunity=deal,
                version=1,
                stage=target,
                close_reason=rng.choice(LOST_REASONS),
                competitor=rng.choice(["某某软件", "Other CRM", ""]),
            )
        elif target.pk != deal.stage_id:
            opportunity_move_stage(actor=owner, opportunity=deal, stage=target, version=1)
        made += 1
    promises = _commitments(rng, org_id, sellers, now)
    quotes = demo_quotes.generate(org_id=org_id, sellers=sellers)
    _web_form_and_pool(org_id, sellers[0], now)
    return SalesDemoSize(
        Lead.objects.filter(org_id=org_id).count(),
        converted,
        made,
        promises,
        quotes,
        PooledCustomer.objects.filter(org_id=org_id).count(),
    )


def _commitments(
    rng: random.Random, org_id: int, sellers: list[User], now: datetime.datetime
) -> int:
    """Promises to customers: some kept, one broken, some open and a few already overdue."""
    contacts = list(
        Contact.objects.filter(org_id=org_id, deleted_at__isnull=True).order_by("pk")[:400]
    )
    made = 0
    for index in range(min(18, len(contacts))):
        owner = sellers[index % len(sellers)]
        contact = contacts[(index * 37) % len(contacts)]
        if contact.owner_id != owner.pk and contact.visibility == "owner":
            continue
        due = now + datetime.timedelta(hours=rng.randint(-72, 240))
        promise = commitment_create(
            actor=owner,
            contact=contact,
            description=rng.choice(PROMISES),
            due_at=due,
        )
        if index % 6 == 0:
            commitment_close(actor=owner, commitment=promise, status="kept", version=1)
        elif index == 7:
            commitment_close(actor=owner, commitment=promise, status="broken", version=1)
        made += 1
    return made


def _web_form_and_pool(org_id: int, owner: User, now: datetime.datetime) -> None:
    """The shop's website form and its customer pool, set up by the first administrator (when
    there is one); leads nobody followed up for 15 days are then already back in the pool."""
    try:
        admin = system_actor(org_id)
    except LookupError:
        return
    lead_form_create(actor=admin, name="官网咨询 Website enquiry", owner=owner)
    for label, kind, field, contains, points in SCORING_RULES:
        scoring_rule_create(
            actor=admin, label=label, kind=kind, field=field, contains=contains, points=points
        )
    pool_create(
        actor=admin,
        name="公海 Shared pool",
        is_default=True,
        customer_rules=[
            {"kind": "follow_up", "days": 60},
            {"kind": "follow_up", "level": "E", "days": 180},
        ],
    )
    leads_return_to_pools(now)
    _customers_given_back(org_id)


def _customers_given_back(org_id: int) -> None:
    """A few customers their owners gave back, waiting in the pool for a colleague to claim."""
    given = 0
    contacts = Contact.objects.filter(org_id=org_id, deleted_at__isnull=True, orders__isnull=True)
    for contact in contacts.select_related("owner").order_by("pk")[:60]:
        if given == 6:
            break
        if contact.owner.team_id is None or not contact.owner.is_active:
            continue
        customer_release(actor=contact.owner, record=contact)
        given += 1


def describe(size: SalesDemoSize) -> str:
    return (
        f"Demo sales: {size.leads:,} leads ({size.converted:,} converted), "
        f"{size.opportunities:,} opportunities on the board, {size.commitments:,} commitments, "
        f"{size.quotes:,} quotes, {size.pooled:,} customers in the pool."
    )
