"""The analytics page in a real browser: the CDNOW sample, refreshed, drawn by ECharts under the
content security policy, filtered, and exported as CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.cdnow import CALIBRATION_END, write_order_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("segments", "value_matrix", "clv", "cohorts", "revenue")
STORES = ("静安店", "浦东店")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: _console_problem(page.problems, message))
    page.on(
        "response",
        lambda response: (
            page.problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    yield page
    context.close()


def _console_problem(problems: list[str], message: Any) -> None:
    """Script errors and refusals by the content security policy; failed loads are checked by
    their responses (a missing favicon is no problem)."""
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(message.text)


def _cdnow_with_stores(tmp_path: Path) -> Path:
    """The CDNOW orders, each customer's orders in one of two stores (by customer number)."""
    plain = write_order_file(tmp_path / "cdnow.csv")
    target = tmp_path / "cdnow-stores.csv"
    with plain.open(newline="") as source, target.open("w", newline="") as out:
        rows = csv.reader(source)
        writer = csv.writer(out)
        writer.writerow([*next(rows), "store"])
        for row in rows:
            writer.writerow([*row, STORES[int(row[1]) % 2]])
    return target


def test_charts_render_filter_and_export(page: Any, people: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command(
        "import", "orders", str(_cdnow_with_stores(tmp_path)), "--create-customers", **quiet
    )
    call_command("analytics", "refresh", "--as-of", CALIBRATION_END, **quiet)

    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base_url + "/")
    page.click("nav.nav a[href='/analytics/']")
    page.wait_for_url(page.base_url + "/analytics/")

    for chart in CHARTS:
        expect(page.locator(f"[data-chart={chart}] canvas").first).to_be_visible()
    expect(page.locator("p.summary")).to_contain_text("2357")
    expect(page.locator(".as-of")).to_contain_text(CALIBRATION_END)
    expect(page.locator("table.churn tbody tr")).to_have_count(50)

    page.select_option("select[name=store]", STORES[0])
    page.fill("input[name=start]", "1997-01-01")
    page.fill("input[name=end]", "1997-03-31")
    page.click("form.analytics-filters button[type=submit]")
    page.wait_for_url("**/analytics/?store=*")
    assert "start=1997-01-01" in page.url and "end=1997-03-31" in page.url
    for chart in CHARTS:
        expect(page.locator(f"[data-chart={chart}] canvas").first).to_be_visible()
    summary = page.locator("p.summary").inner_text()
    shown = int(re.search(r"\d[\d,]*", summary).group().replace(",", ""))
    assert 0 < shown < 2357

    with page.expect_download() as download:
        page.click("#segments a.csv")
    exported = Path(download.value.path()).read_bytes().decode("utf-8")
    assert exported.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(exported[1:])))
    assert len(rows) == 11  # the header and the ten segments
    assert [row[0] for row in rows[1:3]] == ["champions", "loyal"]
    assert sum(int(row[2]) for row in rows[1:]) == shown
    assert page.problems == []


def _click_chart_item(page: Any, chart: str, series: int, value: list[Any]) -> None:
    """Click where ECharts drew ``value`` of a series (a bar's end, a point)."""
    element = page.locator(f"[data-chart={chart}]")
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    x, y = page.evaluate(
        """([chart, series, value]) => {
            const element = document.querySelector(`[data-chart=${chart}]`);
            return echarts.getInstanceByDom(element).convertToPixel({ seriesIndex: series }, value);
        }""",
        [chart, series, value],
    )
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_charts_drill_down_and_show_their_titles(page: Any, people: Any, tmp_path: Path) -> None:
    """A bar or a point opens the contact list filtered by it; screenshots in both languages are
    kept in the test's directory for a person to look at (axis titles and labels in full)."""
    from playwright.sync_api import expect

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    orders = write_order_file(tmp_path / "orders.csv")
    call_command("import", "orders", str(orders), "--create-customers", **quiet)
    call_command("analytics", "refresh", "--as-of", CALIBRATION_END, **quiet)
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base_url + "/")

    for language in ("zh-hans", "en"):
        page.goto(page.base_url + "/analytics/")
        if language == "en":  # the switch in the top bar, as a person would
            page.click("form.language button[value=en]")
            page.wait_for_load_state()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        for chart in CHARTS:
            expect(page.locator(f"[data-chart={chart}] canvas").first).to_be_visible()
        expect(page.locator("#refresh-status button")).to_be_visible()
        page.wait_for_timeout(800)  # the charts' entry animation
        for card in ("segments", "value-matrix", "clv", "revenue"):
            page.locator(f"#{card}").screenshot(path=str(tmp_path / f"{card}-{language}.png"))

    loyal = page.evaluate(
        """() => {
            const element = document.querySelector("[data-chart=segments]");
            return echarts.getInstanceByDom(element).getOption().series[0].data[1];
        }"""
    )
    _click_chart_item(page, "segments", 0, [loyal / 2, 1])  # the middle of the second bar
    page.wait_for_url("**/contacts/?segment=loyal")
    page.go_back()
    page.wait_for_url("**/analytics/")
    expect(page.locator("[data-chart=value_matrix] canvas").first).to_be_visible()
    page.wait_for_timeout(800)
    # A point of the first series (strategic customers) where the chart drew one.
    point = page.evaluate(
        """() => {
            const element = document.querySelector("[data-chart=value_matrix]");
            return echarts.getInstanceByDom(element).getOption().series[0].data[0];
        }"""
    )
    _click_chart_item(page, "value_matrix", 0, point)
    page.wait_for_url("**/contacts/?value_group=strategic")
    page.go_back()
    page.click("table.ae-grid a[href$='grid_cell=E']")
    page.wait_for_url("**/contacts/?grid_cell=E")
    assert page.problems == []
