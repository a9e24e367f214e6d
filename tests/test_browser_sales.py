"""Sales in a real browser, on a phone-sized screen: a visitor's web form becomes a lead; the rep
finds it, works it, converts it with a deal, moves the deal on the board to Won, and the
forecast and the channel funnel show it — no script errors, no refusals by the content security
policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from guanxi.sales.services.lead_forms import lead_form_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    context.close()


def test_web_form_to_won_deal(page: Any, people: Any) -> None:
    form = lead_form_create(actor=people.admin, name="官网咨询", owner=people.owner)
    page.goto(page.base_url + f"/f/{form.slug}/?utm_source=wechat")
    page.fill("input[name=name]", "陈静")
    page.fill("input[name=phone]", "139 1234 5678")
    page.fill("input[name=company]", "悦来茶餐厅")
    page.click("button[type=submit]")
    page.wait_for_selector("text=谢谢！我们会尽快与您联系。")

    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base_url + "/")

    page.goto(page.base_url + "/leads/?q=chenjing")
    page.click("text=陈静")
    page.wait_for_selector("h1:has-text('陈静')")
    page.select_option("select[name=status]", "working")
    page.click("form[action$='/status/'] button[type=submit]")
    page.wait_for_selector("h1 .tag:has-text('跟进中')")
    page.fill("input[name=amount]", "36000")
    page.click("form[action$='/convert/'] button[type=submit]")
    page.wait_for_selector("h1:has-text('陈静')")
    assert "/contacts/" in page.url

    page.goto(page.base_url + "/opportunities/")
    card = page.locator("article.deal", has_text="悦来茶餐厅")
    assert "¥36,000.00" in card.inner_text()
    card.locator("select[name=stage]").select_option(label="赢单")
    card.locator("button[type=submit]").click()
    page.wait_for_selector(
        "section.board-column[aria-label='赢单'] article.deal:has-text('悦来茶餐厅')"
    )

    page.goto(page.base_url + "/forecast/")
    page.wait_for_selector("[data-forecast-chart] canvas")
    assert "¥36,000.00" in page.locator("main").inner_text()

    page.goto(page.base_url + "/channels/")
    page.wait_for_selector("[data-funnel-chart] canvas")
    assert "网站表单" in page.locator("main table").first.inner_text()
    assert page.problems == []
