"""The quote as a PDF and as a page: Chinese text that reads back, CJK fonts embedded, the same
lines and totals as the API, the rule that priced each line on the page (not on the customer's
copy), and only for those who may see the quote."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from guanxi.commerce.services.catalog import RuleInput, price_book_create, product_create
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.sales.services.quote_lines import QuoteLineInput
from guanxi.sales.services.quotes import quote_create


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: run `apt-get install poppler-utils` (see .ci/run).")
    return found


@pytest.fixture
def quote(people: Any) -> Any:
    till = product_create(
        actor=people.manager,
        sku="POS-1",
        name="智能收银机",
        list_price="2680.00",
        tax_rate="13",
        unit="台",
    )
    price_book_create(
        actor=people.manager,
        name="渠道价",
        rules=[RuleInput(product=till, min_quantity=2, discount_percent=10)],
    )
    account = account_create(actor=people.owner, name="上海静安餐饮管理有限公司", province="上海市")
    contact = contact_create(actor=people.owner, name="陈思远", title="采购经理", account=account)
    return quote_create(
        actor=people.owner,
        contact=contact,
        lines=[QuoteLineInput(till, 3)],
        note="含安装与培训；质保一年。",
    )


def test_pdf_has_chinese_text_and_embedded_fonts(people: Any, api_for: Any, quote: Any) -> None:
    answer = api_for(people.owner).get(f"/api/v1/quotes/{quote.public_id}/pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quote.pdf"
        path.write_bytes(answer.content)
        text = subprocess.run(
            [_tool("pdftotext"), "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        fonts = subprocess.run(
            [_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True
        ).stdout
    for expected in (
        "报价单",
        quote.label,
        "上海静安餐饮管理有限公司",
        "陈思远",
        "智能收银机",
        "2412.00",  # 2680 less the price book's 10% from two units
        "7236.00",
        "940.68",
        "8176.68",
        "含安装与培训；质保一年。",
    ):
        assert expected in text, expected
    assert "渠道价" not in text  # how a price was found is for the seller, not the customer
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    # pdffonts columns: name type encoding emb sub uni object ID
    assert all(line.split()[-5] == "yes" for line in cjk), fonts


def test_pdf_and_page_follow_visibility(people: Any, api_for: Any, quote: Any) -> None:
    hidden = account_create(actor=people.owner, name="私密客户", visibility="owner")
    secret = quote_create(
        actor=people.owner, account=hidden, lines=[QuoteLineInput(quote.lines.first().product, 1)]
    )
    assert api_for(people.outsider).get(f"/api/v1/quotes/{secret.public_id}/pdf").status_code == 404
    client = Client()
    client.force_login(people.teammate)
    assert client.get(f"/quotes/{secret.public_id}/").status_code == 404
    assert client.get(f"/quotes/{secret.public_id}/pdf/").status_code == 404
    assert Client().get(f"/quotes/{quote.public_id}/").status_code == 302


def test_page_shows_the_rule_and_the_totals(people: Any, quote: Any) -> None:
    client = Client()
    client.force_login(people.owner)
    page = client.get(f"/quotes/{quote.public_id}/", headers={"Accept-Language": "zh-hans"})
    assert page.status_code == 200
    html = page.content.decode()
    for expected in ("渠道价 #1: -10% ≥2", "8176.68", "标记为已发送"):
        assert expected in html, expected


def test_lists_show_quotes_for_a_company_alone(people: Any, quote: Any) -> None:
    """A quote for a company without a contact (the common B2B case) on every list."""
    company = account_create(actor=people.owner, name="无联系人公司")
    product = quote.lines.first().product
    quote_create(actor=people.owner, account=company, lines=[QuoteLineInput(product, 1, 30)])
    rep, manager = Client(), Client()
    rep.force_login(people.owner)
    manager.force_login(people.manager)
    listed = rep.get("/quotes/")
    assert listed.status_code == 200 and "无联系人公司" in listed.content.decode()
    today = manager.get("/today/")
    assert today.status_code == 200 and "无联系人公司" in today.content.decode()
    panel = rep.get(f"/accounts/{company.public_id}/")
    assert panel.status_code == 200 and "Q20" in panel.content.decode()


def test_the_page_warns_of_another_price_for_the_customer(people: Any, quote: Any) -> None:
    product = quote.lines.first().product
    other = quote_create(
        actor=people.teammate, contact=quote.contact, lines=[QuoteLineInput(product, 3, 5)]
    )
    client = Client()
    client.force_login(people.teammate)
    html = client.get(
        f"/quotes/{other.public_id}/", headers={"Accept-Language": "en"}
    ).content.decode()
    # 2412.00 (the book's price from two units) here less 5%: 2291.40; 2412.00 on the other.
    assert "This customer has another price for the same product" in html
    assert f"{quote.label}</a> (owner): 智能收银机 2412.00" in html
    assert "here 2291.40" in html
