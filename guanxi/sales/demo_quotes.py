"""Demo products, price books and quotes: a catalogue a shop-systems seller would have, a price
book for everyone and one for a customer group, and quotes in every state — one waiting for a
manager's approval, sent ones, an accepted one that became an order and won its deal, and two
reps' quotes that price the same product differently for one customer (the warning's case).
"""

from __future__ import annotations

import random
from decimal import Decimal

from guanxi.commerce.models import Product
from guanxi.commerce.permissions import CommercePermission
from guanxi.commerce.services.catalog import RuleInput, price_book_create, product_create
from guanxi.platform.models import User
from guanxi.platform.visibility import can_see
from guanxi.sales.models import Opportunity, Quote
from guanxi.sales.services.quote_flow import quote_accept, quote_send
from guanxi.sales.services.quote_lines import QuoteLineInput
from guanxi.sales.services.quotes import quote_create

# (SKU, name, unit, list price, tax %, category)
CATALOGUE = [
    ("POS-200", "智能收银机 Smart POS", "台", "2680.00", "13", "硬件"),
    ("SCN-10", "扫码枪 Barcode scanner", "把", "199.00", "13", "硬件"),
    ("PRN-80", "小票打印机 Receipt printer", "台", "459.00", "13", "硬件"),
    ("CRM-STORE", "会员系统年费 Membership, per store", "店·年", "3600.00", "6", "软件"),
    ("SVC-SETUP", "上门安装培训 On-site setup and training", "次", "800.00", "6", "服务"),
]


def _catalogue(manager: User) -> list[Product]:
    products = []
    for sku, name, unit, price, tax, category in CATALOGUE:
        products.append(
            product_create(
                actor=manager,
                sku=sku,
                name=name,
                unit=unit,
                list_price=price,
                tax_rate=tax,
                category=category,
            )
        )
    till, _scanner, _printer, software, _setup = products
    price_book_create(
        actor=manager,
        name="标准价 Standard",
        rules=[
            RuleInput(product=till, min_quantity=10, fixed_price="2380.00"),
            RuleInput(product=software, min_quantity=5, discount_percent=15),
            RuleInput(category="硬件", min_quantity=5, discount_percent=5),
        ],
    )
    price_book_create(
        actor=manager,
        name="VIP 客户价 VIP customers",
        customer_tag="VIP",
        rules=[RuleInput(category="软件", discount_percent=20)],
    )
    return products


def generate(*, org_id: int, sellers: list[User], seed: int = 3) -> int:
    """Quotes for open deals; returns how many were written (0 when nobody may set prices)."""
    managers = User.objects.filter(org_id=org_id, is_active=True).order_by("pk")
    manager = next(
        (u for u in managers if u.has_role_permission(CommercePermission.MANAGE_CATALOG)), None
    )
    if manager is None or Product.objects.filter(org_id=org_id).exists():
        return 0
    rng = random.Random(seed)
    till, scanner, printer, software, setup = _catalogue(manager)
    deals = list(
        Opportunity.objects.filter(
            org_id=org_id, closed_at__isnull=True, account__isnull=False, deleted_at__isnull=True
        ).order_by("pk")[:8]
    )
    made = 0
    for index, deal in enumerate(deals):
        owner = deal.owner
        stores = rng.randint(2, 12)
        lines = [
            QuoteLineInput(till, stores),
            QuoteLineInput(scanner, stores),
            QuoteLineInput(software, stores, Decimal(15) if index == 0 else Decimal(0)),
            QuoteLineInput(setup, 1),
        ]
        if index % 3 == 1:
            lines.append(QuoteLineInput(printer, stores))
        quote = quote_create(actor=owner, opportunity=deal, lines=lines, note="含一年质保。")
        made += 1
        if index == 0:
            continue  # 15% on software: waits for the manager's approval
        if index % 4 == 3:
            continue  # a draft still being worked on
        quote, _conflicts = quote_send(actor=owner, quote=quote)
        if index == 2:
            quote_accept(actor=owner, quote=quote)
        if index == 1 and len(sellers) > 1:
            # Another rep quotes the same company a different price for the till.
            other = next(s for s in sellers if s.pk != owner.pk)
            if deal.account is not None and can_see(other, deal.account):
                quote_create(
                    actor=other, account=deal.account, lines=[QuoteLineInput(till, 1, Decimal(8))]
                )
                made += 1
    return made


def count(org_id: int) -> int:
    return Quote.objects.filter(org_id=org_id).count()
