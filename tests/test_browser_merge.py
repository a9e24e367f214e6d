"""Reviewing a duplicate in a real browser: open the queue, compare, choose a value, merge,
confirm, undo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def test_queue_compare_choose_merge_and_undo(page: Any, people: Any) -> None:
    from guanxi.customers.models import Contact, DuplicatePair
    from guanxi.customers.services.contacts import contact_create

    first = contact_create(actor=people.owner, name="张伟", phones=["13800138000"], title="经理")
    second = contact_create(
        actor=people.owner, name="張偉", phones=["13800138000"], title="总监", source="展会"
    )
    DuplicatePair.objects.create(
        org=people.org,
        entity="contact",
        first_id=first.pk,
        second_id=second.pk,
        score=0.999,
        decision="certain",
        explanation=[
            {"field": "phone", "weight": 13.0, "code": "phone_same", "params": {"phone": "+8613800138000"}},
        ],
    )  # fmt: skip

    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base_url + "/")

    page.click("nav.nav a:has-text('Duplicates')")
    page.wait_for_selector("table.duplicates")
    assert "same mobile 138 0013 8000" in page.locator("table.duplicates").inner_text()
    page.click("table.duplicates a:has-text('Compare')")
    page.wait_for_selector("table.compare")

    page.check("input[name='choice.title'][value='second']")
    page.click("button[value=merge]")
    page.wait_for_selector("div.warning:has-text('will be deleted')")
    page.click("button:has-text('Yes, merge')")
    page.wait_for_selector("form.undo button")
    assert "was merged into" in page.locator("main").inner_text()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.source, second.deleted_at is not None) == ("总监", "展会", True)
    assert Contact.objects.filter(deleted_at__isnull=True).count() == 1

    page.click("form.undo button")
    page.wait_for_selector("h1:has-text('張偉')")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.source, second.deleted_at) == ("经理", "", None)
