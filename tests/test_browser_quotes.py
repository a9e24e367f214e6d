"""The whole sale in a real browser: trade-show cards imported as leads, one qualified and
converted with a deal, a quote whose discount needs the manager, approved by the manager from
the Today page, sent, accepted (an order) and the deal won; and a deal dragged on the board."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guanxi.commerce.models import Order
from guanxi.commerce.services.catalog import RuleInput, price_book_create, product_create
from guanxi.sales.models import Lead, Opportunity, Quote
from guanxi.sales.services.opportunities import opportunity_create
from tests import import_support

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("data_dir"),
]
data_dir = import_support.data_dir

CARDS = "姓名,手机,公司,职位\n陈思远,139 1234 5678,静安餐饮管理有限公司,采购经理\n刘洋,13700137001,恒通汽车,店长\n"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def context_for(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    contexts = []

    def open_as(username: str) -> Any:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.goto(page.base_url + "/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(page.base_url + "/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def _import_cards(page: Any, folder: Path) -> None:
    sheet = folder / "展会名片.csv"
    sheet.write_bytes(CARDS.encode("gb18030"))
    page.goto(page.base_url + "/imports/new/leads/")
    page.set_input_files("input[name=file]", str(sheet))
    page.click("button[type=submit].primary")
    page.wait_for_selector("table.mapping")
    page.click("button[value=dry_run]")
    page.wait_for_selector("#import-progress[data-status=finished]")
    page.click("form[action$='/import/'] button")
    page.wait_for_selector("#import-progress[data-status=finished] a[href$='/undo/']")


def test_import_to_won_deal_through_an_approved_quote(
    context_for: Any, people: Any, tmp_path: Path
) -> None:
    till = product_create(
        actor=people.manager, sku="POS-1", name="智能收银机", list_price="2680.00", tax_rate="13"
    )
    price_book_create(
        actor=people.manager,
        name="标准价",
        rules=[RuleInput(product=till, min_quantity=10, fixed_price="2380.00")],
    )
    rep = context_for("owner")
    _import_cards(rep, tmp_path)
    assert sorted(Lead.objects.values_list("name", flat=True)) == ["刘洋", "陈思远"]

    lead = Lead.objects.get(name="陈思远")
    rep.goto(rep.base_url + f"/leads/{lead.public_id}/")
    rep.select_option("select[name=status]", "qualified")
    rep.click("form[action$='/status/'] button[type=submit]")
    rep.wait_for_selector("h1 .tag:has-text('合格')")
    rep.fill("input[name=amount]", "30000")
    rep.click("form[action$='/convert/'] button[type=submit]")
    rep.wait_for_url("**/contacts/**")

    rep.goto(rep.base_url + "/opportunities/")
    card = rep.locator("article.deal", has_text="静安餐饮")
    card.locator("a[href*='/quotes/new/']").click()
    rep.select_option("select[name=product_0]", label="POS-1 · 智能收银机")
    rep.fill("input[name=quantity_0]", "10")
    rep.fill("input[name=discount_0]", "15")
    rep.click("form.quote-form button[type=submit]")
    rep.wait_for_selector("#quote-approval")
    quote = Quote.objects.get()
    assert (quote.approval, quote.total) == ("pending", quote.total)
    # 10 × 2380 (the book's rule, shown on the line) less 15%, plus 13% tax.
    assert str(quote.subtotal) == "20230.00" and str(quote.total) == "22859.90"
    assert "标准价 #1" in rep.locator(".quote-document").inner_text()
    assert rep.locator("form[action$='/send/']").count() == 0

    manager = context_for("manager")
    manager.goto(manager.base_url + "/today/")
    manager.click(f"a[href='/quotes/{quote.public_id}/']")
    manager.fill("#approval-note", "同意，季度末")
    manager.click("form[action$='/approve/'] button[type=submit]:not(.secondary)")
    manager.wait_for_selector("#quote-approval:has-text('已批准')")

    rep.reload()
    rep.click("form[action$='/send/'] button")
    rep.wait_for_selector("#quote-status:has-text('已发送')")
    rep.click("form[action$='/accept/'] button")
    rep.wait_for_selector("#quote-status:has-text('已接受')")
    quote.refresh_from_db()
    order = Order.objects.get(pk=quote.order_id)
    assert order.amount == quote.total
    deal = Opportunity.objects.get(pk=quote.opportunity_id)
    assert deal.stage.outcome == "won"

    with rep.expect_download() as download:
        rep.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'q.pdf';"
            " document.body.appendChild(a); a.click(); }",
            f"/quotes/{quote.public_id}/pdf/",
        )
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert rep.problems == [] and manager.problems == []


def test_kanban_drag_moves_the_deal(context_for: Any, people: Any) -> None:
    deal = opportunity_create(actor=people.owner, name="拖动的商机", amount="5000")
    rep = context_for("owner")
    rep.goto(rep.base_url + "/opportunities/")
    card = rep.locator("article.deal", has_text="拖动的商机")
    target = rep.locator("section.board-column[aria-label='谈判']")
    card.drag_to(target)
    rep.wait_for_selector(
        "section.board-column[aria-label='谈判'] article.deal:has-text('拖动的商机')"
    )
    rep.wait_for_load_state("load")
    deal.refresh_from_db()
    assert (deal.stage.name, deal.version) == ("谈判", 2)
    # Onto the lost column: the card waits there for the reason, then Move sends both.
    # The board scrolls sideways: bring the last columns, card and target both, into view.
    rep.locator(".board").evaluate("board => { board.scrollLeft = board.scrollWidth; }")
    card = rep.locator("article.deal", has_text="拖动的商机")
    card.drag_to(rep.locator("section.board-column[aria-label='输单']"))
    reason = rep.locator("section.board-column[aria-label='输单'] input[name=close_reason]")
    assert reason.evaluate("input => input === document.activeElement")
    reason.fill("预算冻结")
    with rep.expect_navigation():
        reason.press("Enter")
    rep.wait_for_selector(
        "section.board-column[aria-label='输单'] article.deal:has-text('拖动的商机')"
    )
    deal.refresh_from_db()
    assert (deal.stage.outcome, deal.close_reason) == ("lost", "预算冻结")
    assert rep.problems == []


def test_visit_check_in_from_a_phone(browser: Any, live_server: Any, people: Any) -> None:
    from guanxi.customers.services.contacts import contact_create
    from guanxi.sales.models import Visit

    contact = contact_create(actor=people.owner, name="赵总")
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 31.2304, "longitude": 121.4737, "accuracy": 20},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", "owner")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(live_server.url + "/")
        page.goto(live_server.url + f"/visits/new/?contact={contact.public_id}")
        page.wait_for_function("document.querySelector('input[name=latitude]').value !== ''")
        page.fill("textarea[name=note]", "门店巡访")
        page.click("form[data-visit-form] button[type=submit]")
        page.wait_for_url(f"**/contacts/{contact.public_id}/")
    finally:
        context.close()
    visit = Visit.objects.get()
    assert (str(visit.latitude), str(visit.longitude), visit.accuracy_m, visit.note) == (
        "31.230400",
        "121.473700",
        20,
        "门店巡访",
    )
