"""The import flow in a real browser with the real contact importer: upload → map → dry run →
import → undo (Debian's chromium driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guanxi.customers.models import Contact
from guanxi.platform.imports.registry import importer_for
from guanxi.platform.models import ImportBatch
from tests import import_support

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("data_dir"),
]
data_dir = import_support.data_dir

SHEET = "姓名,手机,备注\n张伟,138 0013 8000,老客户\n李娜,13900139000,\n=CMD(),13700137000,公式\n"


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    # The worker's job runs inside the request that queues it, so each step ends finished.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def _sign_in(page: Any) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base_url + "/")


def _figure(page: Any, name: str) -> str:
    return page.locator(f"dd[data-figure={name}]").inner_text()


def test_upload_map_dry_run_import_and_undo(page: Any, people: Any, tmp_path: Path) -> None:
    assert importer_for("contacts") is not None, "the contact importer is registered"
    sheet = tmp_path / "客户.csv"
    sheet.write_bytes(SHEET.encode("gb18030"))  # as Excel on a Chinese Windows saves it
    _sign_in(page)

    page.click("nav a[href='/imports/']")
    page.click("a[href='/imports/new/contacts/']")
    page.set_input_files("input[name=file]", str(sheet))
    page.click("button[type=submit].primary")
    page.wait_for_selector("table.mapping")
    assert page.locator("table.mapping select").nth(0).input_value() == "name"
    assert page.locator("table.mapping select").nth(1).input_value() == "phone"
    assert "张伟" in page.locator("table.mapping").inner_text()

    page.click("button[value=dry_run]")
    page.wait_for_selector("#import-progress[data-status=finished]")
    assert (_figure(page, "created"), _figure(page, "refused")) == ("2", "1")
    assert "张伟" in page.locator("table.preview").inner_text()
    assert page.locator("table.errors-table tbody tr").count() == 1
    assert Contact.objects.count() == 0

    page.click("form[action$='/import/'] button")
    page.wait_for_selector("#import-progress[data-status=finished] a[href$='/undo/']")
    assert _figure(page, "created") == "2"
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["张伟", "李娜"]
    real = ImportBatch.objects.get(dry_run=False)
    assert page.url == f"{page.base_url}/imports/{real.public_id}/"

    page.click("a[href$='/undo/']")
    page.click("form button.danger")
    page.wait_for_selector("#import-progress[data-status=undone]")
    assert not Contact.objects.filter(deleted_at__isnull=True).exists()
    real.refresh_from_db()
    assert real.status == "undone"
