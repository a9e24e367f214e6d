"""The main flow in a real browser: Debian's chromium driven by Playwright.

Sign in, create 张伟 with mobile 138 0013 8000, find the contact by "zw", "zhangwei" and "8000",
add a note, see it on the 360 timeline, switch the language.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def _sign_in(page: Any, people: Any) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base_url + "/")


def _search(page: Any, query: str) -> list[str]:
    page.goto(page.base_url + "/search/")
    page.locator("main input[name=q]").press_sequentially(query, delay=50)
    page.wait_for_selector(f"#results[data-q='{query}'] ul.results a")
    return page.locator("#results ul.results a").all_inner_texts()


def test_create_find_note_and_switch_language(page: Any, people: Any) -> None:
    _sign_in(page, people)
    assert page.locator("h1").inner_text().startswith("您好")

    page.goto(page.base_url + "/contacts/new/")
    page.fill("input[name=name]", "张伟")
    page.fill("input[name=phone_0]", "138 0013 8000")
    page.click("button[type=submit].primary")
    page.wait_for_selector("h1:has-text('张伟')")
    assert "138 0013 8000" in page.locator("section.profile").inner_text()
    assert "zhang wei" in page.locator("h1").inner_text()

    for query in ("zw", "zhangwei", "8000"):
        assert _search(page, query) == ["张伟"], query

    page.click("#results ul.results a")
    page.wait_for_selector("section.timeline")
    page.select_option("select[name=kind]", "note")
    page.fill("section.timeline textarea[name=body]", "客户想要一份报价")
    page.click("section.timeline button[type=submit]")
    page.wait_for_selector("ol.entries li.entry:has-text('客户想要一份报价')")
    first_entry = page.locator("ol.entries li.entry").first.inner_text()
    assert "客户想要一份报价" in first_entry
    assert "创建了联系人" in page.locator("ol.entries").inner_text()

    page.click("form.language button[value=en]")
    page.wait_for_selector("h2:has-text('Timeline')")
    assert "Profile" in page.locator("section.profile h2").inner_text()
    page.goto(page.base_url + "/")
    assert page.locator("h1").inner_text().startswith("Hello")


def test_contact_list_filters_as_you_type(page: Any, people: Any) -> None:
    from guanxi.customers.services.contacts import contact_create

    contact_create(actor=people.owner, name="张伟", phones=["13800138000"])
    contact_create(actor=people.owner, name="李娜", phones=["13900139000"])
    _sign_in(page, people)
    page.goto(page.base_url + "/contacts/")
    assert page.locator("#results tbody tr").count() == 2
    page.locator("form.filters input[name=q]").press_sequentially("zw", delay=50)
    from playwright.sync_api import expect

    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert page.locator("#results tbody a").all_inner_texts() == ["张伟"]
    assert "q=zw" in page.url


def test_api_docs_render_under_the_content_security_policy(page: Any, people: Any) -> None:
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Guanxi API" in page.locator(".swagger-ui .info .title").inner_text()
    tags = page.locator(".opblock-tag-section h3").all_inner_texts()
    assert [t.split()[0] for t in tags] == [
        "users",
        "teams",
        "handovers",
        "contacts",
        "accounts",
        "activities",
        "custom",
        "duplicates",
        "orders",
        "catalogue",
        "sales",
        "quotes",
        "analytics",
    ]
