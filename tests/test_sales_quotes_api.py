"""Quotes through the API: priced from price books (the line names the rule), Decimal totals,
discount approval before sending (409 while pending), the one-price warning, acceptance into an
order that wins the deal, revisions, and who may see and act on a quote."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from guanxi.commerce.models import Order
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent
from guanxi.platform.notifications.models import Notification
from guanxi.sales.models import Opportunity, Quote
from guanxi.sales.services.opportunities import opportunity_create

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}


def _product(api: Any, sku: str, price: str, tax: str = "13", category: str = "") -> str:
    body = {"sku": sku, "name": f"产品 {sku}", "list_price": price, "tax_rate": tax}
    if category:
        body["category"] = category
    answer = api.post("/api/v1/products", body, **EN)
    assert answer.status_code == 201, answer.content
    return str(answer.json()["id"])


@pytest.fixture
def shop(people: Any, api_for: Any) -> Any:
    manager = api_for(people.manager)
    account = account_create(actor=people.owner, name="华东贸易有限公司", province="上海市")
    contact = contact_create(actor=people.owner, name="王芳", account=account)
    deal = opportunity_create(actor=people.owner, name="收银系统", amount="50000", account=account)

    class Shop:
        pass

    shop = Shop()
    shop.manager = manager  # type: ignore[attr-defined]
    shop.account, shop.contact, shop.deal = account, contact, deal  # type: ignore[attr-defined]
    shop.till = _product(manager, "POS-1", "1000.00")  # type: ignore[attr-defined]
    shop.scanner = _product(manager, "SCN-2", "199.99", "6", "配件")  # type: ignore[attr-defined]
    return shop


def test_products_and_price_books_are_written_by_managers_only(
    people: Any, api_for: Any, shop: Any
) -> None:
    rep = api_for(people.owner)
    assert rep.post("/api/v1/products", {"sku": "X", "name": "x"}, **EN).status_code == 403
    assert rep.post("/api/v1/price-books", {"name": "x"}, **EN).status_code == 403
    assert api_for(None).get("/api/v1/products").status_code == 401
    listed = rep.get("/api/v1/products", **EN).json()["items"]
    assert [(p["sku"], p["list_price"], p["tax_rate"]) for p in listed] == [
        ("SCN-2", "199.99", "6.00"),
        ("POS-1", "1000.00", "13.00"),
    ]
    taken = shop.manager.post("/api/v1/products", {"sku": "POS-1", "name": "again"}, **EN)
    assert taken.status_code == 409
    bad = shop.manager.post(
        "/api/v1/price-books",
        {
            "name": "Bad",
            "rules": [{"product_id": shop.till, "fixed_price": "1", "discount_percent": "5"}],
        },
        **EN,
    )
    assert bad.status_code == 422
    assert "rules.0" in bad.json()["errors"]


def _book(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    answer = api.post("/api/v1/price-books", body, **EN)
    assert answer.status_code == 201, answer.content
    return answer.json()  # type: ignore[no-any-return]


def test_quote_lines_are_priced_by_the_first_matching_rule(
    people: Any, api_for: Any, shop: Any
) -> None:
    _book(
        shop.manager,
        {
            "name": "标准价",
            "rules": [
                {"category": "配件", "discount_percent": "10"},
                {"product_id": shop.till, "min_quantity": "10", "fixed_price": "900.00"},
                {"product_id": shop.till, "valid_until": "2020-12-31", "fixed_price": "1.00"},
            ],
        },
    )
    _book(
        shop.manager,
        {
            "name": "上海大客户",
            "province": "上海",
            "rules": [{"product_id": shop.till, "min_quantity": "5", "discount_percent": "5"}],
        },
    )
    rep = api_for(people.owner)
    created = rep.post(
        "/api/v1/quotes",
        {
            "opportunity_id": str(shop.deal.public_id),
            "lines": [
                {"product_id": shop.till, "quantity": "12", "discount_percent": "0"},
                {"product_id": shop.till, "quantity": 3},
                {"product_id": shop.scanner, "quantity": "3", "discount_percent": "2.5"},
            ],
        },
        **EN,
    )
    assert created.status_code == 201, created.content
    quote = created.json()
    rows = [
        (line["unit_price"], line["list_price"], line["price_rule"], line["net_amount"])
        for line in quote["lines"]
    ]
    assert rows == [
        # The region's book comes before the book for everyone: 5% off from 5 units.
        ("950.00", "1000.00", "上海大客户 #1: -5% ≥5", "11400.00"),
        # Below both minimums, and the old fixed price has expired: the list price.
        ("1000.00", "1000.00", "", "3000.00"),
        # The category's rule: 199.99 × 0.9 = 179.991 → 179.99; 3 × 179.99 = 539.97, −2.5%.
        ("179.99", "199.99", "标准价 #1: -10%", "526.47"),
    ]
    # Tax 13% of 11400 and 3000, 6% of 526.47 (31.5882 → 31.59).
    assert (quote["subtotal"], quote["discount_total"], quote["tax_total"], quote["total"]) == (
        "14926.47",
        "0.00",
        "1903.59",
        "16830.06",
    )
    assert (quote["number"][:6], quote["status"], quote["approval"]) == (
        "Q2026-",
        "draft",
        "not_needed",
    )
    assert quote["account_id"] == str(shop.account.public_id)


def test_discount_beyond_the_limit_waits_for_the_manager(
    people: Any, api_for: Any, shop: Any
) -> None:
    rep = api_for(people.owner)
    body = {
        "account_id": str(shop.account.public_id),
        "lines": [{"product_id": shop.till, "quantity": "2", "discount_percent": "8"}],
        "discount_percent": "5",
    }
    quote = rep.post("/api/v1/quotes", body, **EN).json()
    # 8% then 5%: 12.6% in all, beyond the default limit of 10%.
    assert (quote["approval"], quote["max_discount_percent"]) == ("pending", "12.60")
    assert (quote["subtotal"], quote["discount_total"], quote["tax_total"], quote["total"]) == (
        "1840.00",
        "92.00",
        "227.24",
        "1975.24",
    )
    assert (
        Notification.objects.filter(recipient=people.manager, kind="sales.quote_approval").count()
        == 1
    )
    send = f"/api/v1/quotes/{quote['id']}/send"
    refused = rep.post(send, {}, **EN)
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert "waiting for a manager's approval" in refused.json()["detail"]
    assert Quote.objects.get().status == "draft"
    approve = f"/api/v1/quotes/{quote['id']}/approve"
    assert rep.post(approve, {}, **EN).status_code == 403  # the rep cannot approve
    assert api_for(people.outsider).post(approve, {}, **EN).status_code == 403
    approved = api_for(people.manager).post(approve, {"note": "年底冲量"}, **EN)
    assert (approved.status_code, approved.json()["approval"], approved.json()["approved_by"]) == (
        200,
        "approved",
        "manager",
    )
    assert api_for(people.manager).post(approve, {}, **EN).status_code == 409
    sent = rep.post(send, None, **EN)
    assert (sent.status_code, sent.json()["status"], sent.json()["conflicts"]) == (200, "sent", [])
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="sales.quote.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "sales.quote.created",
        "sales.quote.approval_requested",
        "sales.quote.approved",
        "sales.quote.sent",
    ]


def test_refused_discount_blocks_sending(people: Any, api_for: Any, shop: Any) -> None:
    rep = api_for(people.owner)
    body = {
        "contact_id": str(shop.contact.public_id),
        "lines": [{"product_id": shop.till, "discount_percent": "30"}],
    }
    quote = rep.post("/api/v1/quotes", body, **EN).json()
    path = f"/api/v1/quotes/{quote['id']}"
    refused = api_for(people.manager).post(
        f"{path}/approve", {"approve": False, "note": "太低"}, **EN
    )
    assert refused.json()["approval"] == "refused"
    assert rep.post(f"{path}/send", {}, **EN).status_code == 409
    lowered = rep.patch(
        path,
        {
            "version": refused.json()["version"],
            "lines": [{"product_id": shop.till, "discount_percent": "10"}],
        },
        **EN,
    )
    assert (lowered.status_code, lowered.json()["approval"]) == (200, "not_needed")
    assert rep.post(f"{path}/send", {}, **EN).status_code == 200


def test_a_second_price_for_the_same_customer_is_reported(
    people: Any, api_for: Any, shop: Any
) -> None:
    rep, colleague = api_for(people.owner), api_for(people.teammate)
    first = rep.post(
        "/api/v1/quotes",
        {
            "account_id": str(shop.account.public_id),
            "lines": [{"product_id": shop.till, "discount_percent": "5"}],
        },
        **EN,
    ).json()
    assert rep.post(f"/api/v1/quotes/{first['id']}/send", {}, **EN).json()["conflicts"] == []
    second = colleague.post(
        "/api/v1/quotes",
        {
            "contact_id": str(shop.contact.public_id),
            "lines": [{"product_id": shop.till}, {"product_id": shop.scanner}],
        },
        **EN,
    ).json()
    assert second["account_id"] == str(shop.account.public_id)  # the contact's company
    sent = colleague.post(f"/api/v1/quotes/{second['id']}/send", {}, **EN)
    assert sent.status_code == 200
    assert sent.json()["conflicts"] == [
        {
            "quote_id": first["id"],
            "number": first["number"],
            "owner": "owner",
            "status": "sent",
            "product_id": shop.till,
            "sku": "POS-1",
            "product": "产品 POS-1",
            "unit_price": "1000.00",
            "other_unit_price": "950.00",
        }
    ]
    event = AuditEvent.objects.filter(verb="sales.quote.sent").order_by("-pk").first()
    assert event is not None and event.changes["price_conflicts"] == {"before": None, "after": 1}


def test_accepting_records_the_order_and_wins_the_deal(
    people: Any, api_for: Any, shop: Any
) -> None:
    rep = api_for(people.owner)
    quote = rep.post(
        "/api/v1/quotes",
        {
            "opportunity_id": str(shop.deal.public_id),
            "lines": [
                {"product_id": shop.till, "quantity": "3"},
                {"product_id": shop.scanner, "quantity": "2"},
            ],
        },
        **EN,
    ).json()
    path = f"/api/v1/quotes/{quote['id']}"
    assert rep.post(f"{path}/accept", {}, **EN).status_code == 409  # not sent yet
    rep.post(f"{path}/send", {}, **EN)
    accepted = rep.post(f"{path}/accept", {}, **EN)
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["status"] == "accepted"
    order = Order.objects.get(public_id=body["order_id"])
    # 3000 + 13% and 399.98 + 6%: 3390.00 + 423.98 = 3813.98.
    assert (order.amount, order.external_id, order.account_id, order.channel) == (
        Decimal("3813.98"),
        quote["number"],
        shop.account.pk,
        "quote",
    )
    assert [(line.product.sku, line.quantity, line.amount) for line in order.lines.all()] == [
        ("POS-1", Decimal("3.000"), Decimal("3390.00")),
        ("SCN-2", Decimal("2.000"), Decimal("423.98")),
    ]
    assert body["total"] == "3813.98"
    deal = Opportunity.objects.get(pk=shop.deal.pk)
    assert (deal.stage.name, deal.amount, deal.closed_at is not None) == (
        "Won",
        Decimal("3399.98"),
        True,
    )
    assert rep.post(f"{path}/accept", {}, **EN).status_code == 409
    fetched = rep.get(f"/api/v1/orders/{body['order_id']}", **EN)
    assert fetched.status_code == 200


def test_revision_keeps_what_the_customer_saw(people: Any, api_for: Any, shop: Any) -> None:
    rep = api_for(people.owner)
    quote = rep.post(
        "/api/v1/quotes",
        {"account_id": str(shop.account.public_id), "lines": [{"product_id": shop.till}]},
        **EN,
    ).json()
    path = f"/api/v1/quotes/{quote['id']}"
    rep.post(f"{path}/send", {}, **EN)
    assert rep.patch(path, {"version": 2, "discount_percent": "5"}, **EN).status_code == 409
    revised = rep.post(f"{path}/revise", **EN)
    assert revised.status_code == 201
    assert (revised.json()["number"], revised.json()["revision"], revised.json()["status"]) == (
        f"{quote['number']}-v2",
        2,
        "draft",
    )
    assert rep.get(path, **EN).json()["status"] == "superseded"


def test_who_sees_and_acts_on_a_quote(people: Any, api_for: Any, shop: Any) -> None:
    rep = api_for(people.owner)
    team_only = account_create(actor=people.owner, name="东区客户", visibility="team")
    quote = rep.post(
        "/api/v1/quotes",
        {"account_id": str(team_only.public_id), "lines": [{"product_id": shop.till}]},
        **EN,
    ).json()
    path = f"/api/v1/quotes/{quote['id']}"
    outsider = api_for(people.outsider)
    before = Quote.objects.get().version
    assert outsider.get(path, **EN).status_code == 404
    assert outsider.post(f"{path}/send", {}, **EN).status_code == 404
    assert outsider.get("/api/v1/quotes", **EN).json()["items"] == []
    assert api_for(people.teammate).get(path, **EN).status_code == 200
    assert api_for(people.reader).post(f"{path}/send", {}, **EN).status_code == 403
    assert api_for(None).get(path).status_code == 401
    assert Quote.objects.get().version == before
    # An organisation-wide customer's quote is readable by other teams, not theirs to act on.
    shared = rep.post(
        "/api/v1/quotes",
        {"account_id": str(shop.account.public_id), "lines": [{"product_id": shop.till}]},
        **EN,
    ).json()
    assert outsider.get(f"/api/v1/quotes/{shared['id']}", **EN).status_code == 200
    assert outsider.post(f"/api/v1/quotes/{shared['id']}/send", {}, **EN).status_code == 403
    other_customer = account_create(actor=people.outsider, name="南方公司", visibility="team")
    hidden = rep.post(
        "/api/v1/quotes",
        {"account_id": str(other_customer.public_id), "lines": [{"product_id": shop.till}]},
        **EN,
    )
    assert hidden.status_code == 404


def test_bad_quote_input(people: Any, api_for: Any, shop: Any) -> None:
    rep = api_for(people.owner)
    account = str(shop.account.public_id)
    for body in (
        {"account_id": account, "lines": []},
        {"account_id": account, "lines": [{"product_id": shop.till, "quantity": "0"}]},
        {"account_id": account, "lines": [{"product_id": shop.till, "discount_percent": "101"}]},
        {"account_id": account, "lines": [{"product_id": "00000000-0000-0000-0000-000000000000"}]},
        {"lines": [{"product_id": shop.till}]},
        {
            "account_id": account,
            "contact_id": str(shop.contact.public_id),
            "lines": [{"product_id": shop.till}],
        },
        {"account_id": account, "lines": [{"product_id": shop.till}], "valid_until": "2020-01-01"},
        {"account_id": account, "lines": [{"product_id": shop.till, "quantity": "NaN"}]},
    ):
        answer = rep.post("/api/v1/quotes", body, **EN)
        assert answer.status_code == 422, (body, answer.content)
    unpriced = shop.manager.post("/api/v1/products", {"sku": "FREE", "name": "无价"}, **EN).json()
    answer = rep.post(
        "/api/v1/quotes", {"account_id": account, "lines": [{"product_id": unpriced["id"]}]}, **EN
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "lines.0.product_id": ["“无价” has no list price and no price book prices it."]
    }
    assert Quote.objects.count() == 0


def test_a_deals_hidden_contact_stays_off_its_quote_and_order(
    people: Any, api_for: Any, shop: Any
) -> None:
    """The teammate works the deal but may not see its owner-only contact: the quote and the
    order name the company alone, and nothing refuses."""
    secret = contact_create(actor=people.owner, name="私人联系人", visibility="owner")
    deal = opportunity_create(actor=people.owner, name="合作", account=shop.account, contact=secret)
    teammate = api_for(people.teammate)
    body = {"opportunity_id": str(deal.public_id), "lines": [{"product_id": shop.till}]}
    quote = teammate.post("/api/v1/quotes", body, **EN)
    assert quote.status_code == 201, quote.content
    assert (quote.json()["contact_id"], quote.json()["account_id"]) == (
        None,
        str(shop.account.public_id),
    )
    path = f"/api/v1/quotes/{quote.json()['id']}"
    teammate.post(f"{path}/send", {}, **EN)
    accepted = teammate.post(f"{path}/accept", {}, **EN)
    assert accepted.status_code == 200, accepted.content
    order = Order.objects.get(public_id=accepted.json()["order_id"])
    assert (order.contact_id, order.account_id) == (None, shop.account.pk)
