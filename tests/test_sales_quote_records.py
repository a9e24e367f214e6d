"""Quotes and named-customer price books follow their customer: a merge moves them to the
survivor (and back when undone), a purge keeps the quote without its customer and switches off a
book that named it; a handover moves open quotes with their deal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from guanxi.commerce.models import PriceBook
from guanxi.commerce.pricing import Pricer, books_for
from guanxi.commerce.services.catalog import RuleInput, price_book_create, product_create
from guanxi.customers.services.accounts import account_create, account_delete
from guanxi.customers.services.merge import account_merge
from guanxi.customers.services.purge import customers_purge_deleted
from guanxi.platform.handover import handover_run
from guanxi.sales.models import Quote
from guanxi.sales.services.opportunities import opportunity_create
from guanxi.sales.services.quote_lines import QuoteLineInput
from guanxi.sales.services.quotes import quote_create


@pytest.fixture
def till(people: Any) -> Any:
    return product_create(actor=people.manager, sku="POS-1", name="收银机", list_price="1000")


def test_merge_moves_quotes_and_books_to_the_survivor(people: Any, till: Any) -> None:
    target = account_create(actor=people.owner, name="华东贸易")
    source = account_create(actor=people.owner, name="华东贸易有限公司")
    quote = quote_create(actor=people.owner, account=source, lines=[QuoteLineInput(till, 1)])
    book = price_book_create(
        actor=people.manager,
        name="华东专享",
        account=source,
        rules=[RuleInput(product=till, fixed_price="880.00")],
    )
    account_merge(actor=people.admin, target=target, source=source)
    quote.refresh_from_db()
    book.refresh_from_db()
    assert (quote.account_id, book.account_id) == (target.pk, target.pk)
    price = Pricer(books_for(people.org.pk, account=target), quote.valid_until).price(
        till, Decimal(1)
    )
    assert price is not None and price.unit_price == Decimal("880.00")


def test_purge_keeps_the_quote_and_switches_the_book_off(people: Any, till: Any) -> None:
    gone = account_create(actor=people.owner, name="将注销的公司")
    quote = quote_create(actor=people.owner, account=gone, lines=[QuoteLineInput(till, 2)])
    price_book_create(
        actor=people.manager,
        name="专享价",
        account=gone,
        rules=[RuleInput(product=till, fixed_price="1.00")],
    )
    account_delete(actor=people.owner, account=gone)
    customers_purge_deleted(actor=people.admin, days=0)
    quote.refresh_from_db()
    book = PriceBook.objects.get()
    assert (quote.account_id, quote.total) == (None, Decimal("2000.00"))
    assert (book.account_id, book.active) == (None, False)
    # A book that names nobody must not become everyone's price.
    other = account_create(actor=people.owner, name="别的客户")
    price = Pricer(books_for(people.org.pk, account=other), quote.valid_until).price(
        till, Decimal(1)
    )
    assert price is not None and price.unit_price == Decimal("1000")


def test_handover_moves_open_quotes_with_their_deal(people: Any, till: Any) -> None:
    account = account_create(actor=people.owner, name="交接客户")
    deal = opportunity_create(actor=people.owner, name="大单", account=account)
    open_quote = quote_create(actor=people.owner, opportunity=deal, lines=[QuoteLineInput(till, 1)])
    handover_run(actor=people.manager, from_user=people.owner, to_users=[people.teammate])
    open_quote.refresh_from_db()
    assert (open_quote.owner_id, open_quote.version) == (people.teammate.pk, 2)
    assert Quote.objects.filter(owner=people.owner).count() == 0
