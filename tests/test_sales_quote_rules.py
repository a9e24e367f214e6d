"""The rules around a quote that a careless path could slip past: the approval covers exactly
the discount the approver saw and whoever set it; a lowered limit is applied at sending; rules in
a book apply in the order they are written; a note changes no price; amounts beyond what can be
stored are refused, not crashed on; no PDF of an unapproved discount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from guanxi.commerce.services.catalog import RuleInput, price_book_create, product_create
from guanxi.customers.services.accounts import account_create
from guanxi.platform.notifications.models import Notification
from guanxi.sales.models import Quote
from guanxi.sales.services.discounts import discount_limit_set

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}


@pytest.fixture
def setting(people: Any) -> Any:
    till = product_create(actor=people.manager, sku="POS-1", name="收银机", list_price="1000.00")
    account = account_create(actor=people.owner, name="华东贸易")
    return {"till": str(till.public_id), "account": str(account.public_id), "product": till}


def _quote(api: Any, setting: Any, discount: str, **more: Any) -> dict[str, Any]:
    body = {
        "account_id": setting["account"],
        "lines": [{"product_id": setting["till"], "quantity": "1", "discount_percent": discount}],
        **more,
    }
    answer = api.post("/api/v1/quotes", body, **EN)
    assert answer.status_code == 201, answer.content
    return answer.json()  # type: ignore[no-any-return]


def test_approval_covers_what_the_approver_saw(people: Any, api_for: Any, setting: Any) -> None:
    rep, manager = api_for(people.owner), api_for(people.manager)
    quote = _quote(rep, setting, "15")
    path = f"/api/v1/quotes/{quote['id']}"
    seen = quote["version"]
    raised = rep.patch(
        path,
        {"version": seen, "lines": [{"product_id": setting["till"], "discount_percent": "80"}]},
        **EN,
    ).json()
    assert (raised["approval"], raised["max_discount_percent"]) == ("pending", "80.00")
    # Asked again, with the new figure.
    assert Notification.objects.filter(recipient=people.manager).count() == 2
    stale = manager.post(f"{path}/approve", {"version": seen}, **EN)
    assert stale.status_code == 409
    assert Quote.objects.get().approval == "pending"
    approved = manager.post(f"{path}/approve", {"version": raised["version"]}, **EN)
    assert approved.json()["approval"] == "approved"
    lowered = rep.patch(
        path,
        {
            "version": approved.json()["version"],
            "lines": [{"product_id": setting["till"], "discount_percent": "50"}],
        },
        **EN,
    ).json()
    assert lowered["approval"] == "approved"  # less than what was approved
    assert rep.get(f"{path}/pdf").status_code == 200


def test_the_discount_is_judged_for_whoever_sets_it(
    people: Any, api_for: Any, setting: Any
) -> None:
    manager, teammate = api_for(people.manager), api_for(people.teammate)
    mine = _quote(manager, setting, "40")
    assert mine["approval"] == "not_needed"  # the manager's own quote: no limit
    path = f"/api/v1/quotes/{mine['id']}"
    edited = teammate.patch(
        path,
        {
            "version": mine["version"],
            "lines": [{"product_id": setting["till"], "discount_percent": "90"}],
        },
        **EN,
    )
    assert edited.json()["approval"] == "pending"
    assert teammate.post(f"{path}/send", {}, **EN).status_code == 409
    assert teammate.get(f"{path}/pdf").status_code == 409
    rep_quote = _quote(api_for(people.owner), setting, "5")
    by_manager = manager.patch(
        f"/api/v1/quotes/{rep_quote['id']}",
        {"version": rep_quote["version"], "discount_percent": "20"},
        **EN,
    ).json()
    # The rep's manager set a discount beyond the rep's limit: approved by setting it.
    assert (by_manager["approval"], by_manager["approved_by"]) == ("approved", "manager")


def test_a_lowered_limit_applies_at_sending(people: Any, api_for: Any, setting: Any) -> None:
    rep = api_for(people.owner)
    quote = _quote(rep, setting, "9")
    assert quote["approval"] == "not_needed"
    discount_limit_set(actor=people.admin, limit_percent=Decimal(5))
    refused = rep.post(f"/api/v1/quotes/{quote['id']}/send", {}, **EN)
    assert refused.status_code == 409
    kept = Quote.objects.get()
    assert (kept.status, kept.approval) == ("draft", "pending")  # the request stays
    assert Notification.objects.filter(recipient=people.manager).count() == 1
    # A rep trusted with more: their own limit wins over the organisation's.
    discount_limit_set(actor=people.admin, limit_percent=Decimal(20), user=people.teammate)
    trusted = _quote(api_for(people.teammate), setting, "18")
    assert trusted["approval"] == "not_needed"


def test_rules_apply_in_the_order_written(people: Any, api_for: Any, setting: Any) -> None:
    price_book_create(
        actor=people.manager,
        name="阶梯价",
        rules=[
            RuleInput(product=setting["product"], min_quantity=1, discount_percent=5),
            RuleInput(product=setting["product"], min_quantity=10, discount_percent=10),
        ],
    )
    rep = api_for(people.owner)
    body = {
        "account_id": setting["account"],
        "lines": [{"product_id": setting["till"], "quantity": 12}],
    }
    line = rep.post("/api/v1/quotes", body, **EN).json()["lines"][0]
    assert (line["unit_price"], line["price_rule"]) == ("950.00", "阶梯价 #1: -5% ≥1")


def test_a_note_changes_no_price(people: Any, api_for: Any, setting: Any) -> None:
    rep = api_for(people.owner)
    quote = _quote(rep, setting, "0")
    price_book_create(
        actor=people.manager,
        name="新价",
        rules=[RuleInput(product=setting["product"], fixed_price="1.00")],
    )
    noted = rep.patch(
        f"/api/v1/quotes/{quote['id']}", {"version": quote["version"], "note": "含运费"}, **EN
    ).json()
    assert (noted["total"], noted["lines"][0]["unit_price"], noted["note"]) == (
        "1000.00",
        "1000.00",
        "含运费",
    )
    overall = rep.patch(
        f"/api/v1/quotes/{quote['id']}",
        {"version": noted["version"], "discount_percent": "5"},
        **EN,
    ).json()
    assert (overall["subtotal"], overall["discount_total"], overall["total"]) == (
        "1000.00",
        "50.00",
        "950.00",
    )


def test_amounts_too_large_are_refused(people: Any, api_for: Any) -> None:
    huge = product_create(
        actor=people.manager, sku="BIG", name="整栋楼", list_price="999999999999.99"
    )
    account = account_create(actor=people.owner, name="大客户")
    rep = api_for(people.owner)
    body = {
        "account_id": str(account.public_id),
        "lines": [{"product_id": str(huge.public_id), "quantity": "2000"}],
    }
    answer = rep.post("/api/v1/quotes", body, **EN)
    assert answer.status_code == 422
    assert "lines.0.quantity" in answer.json()["errors"]
    assert rep.get("/api/v1/quotes", **EN).status_code == 200
    assert Quote.objects.count() == 0


def test_discount_limits_by_api(people: Any, api_for: Any, setting: Any) -> None:
    admin = api_for(people.admin)
    body = {"limit_percent": "20", "user": "owner"}
    assert api_for(people.manager).post("/api/v1/discount-limits", body, **EN).status_code == 403
    answer = admin.post("/api/v1/discount-limits", body, **EN)
    assert answer.json() == {"user": "owner", "limit_percent": "20.00"}
    assert admin.post("/api/v1/discount-limits", {"limit_percent": "5"}, **EN).json() == {
        "user": None,
        "limit_percent": "5.00",
    }
    assert _quote(api_for(people.owner), setting, "18")["approval"] == "not_needed"
    assert _quote(api_for(people.teammate), setting, "6")["approval"] == "pending"
    bad = admin.post("/api/v1/discount-limits", {"limit_percent": "5", "user": "nobody"}, **EN)
    assert bad.status_code == 422
