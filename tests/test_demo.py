"""``guanxi demo``: the bulk path writes searchable, deterministic data on both databases."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from guanxi.customers.models import Account, Activity, Contact, ContactPhone
from guanxi.customers.selectors import global_search
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import User


def _run(contacts: int, seed: int) -> None:
    call_command("demo", contacts=contacts, seed=seed, stdout=StringIO(), stderr=StringIO())


def _snapshot() -> list[tuple[str, str, str]]:
    return [
        (c.name, c.province, c.phones.get().number)
        for c in Contact.objects.order_by("pk").prefetch_related("phones")
    ]


@pytest.mark.django_db(transaction=True)
def test_demo_writes_the_requested_sizes_and_is_searchable(people):
    _run(50, seed=3)
    assert Contact.objects.count() == 50
    assert Account.objects.count() == 5
    assert Activity.objects.count() == 25
    assert ContactPhone.objects.filter(number__startswith="+861").count() == 50
    assert User.objects.filter(username__in=["wangfang", "lilei", "emma", "zhaomin"]).count() == 4
    contact = Contact.objects.order_by("pk").prefetch_related("phones").first()
    last_digits = contact.phones.get().number[-6:]
    assert [c.pk for c in global_search(people.admin, last_digits).contacts] == [contact.pk]
    # Sequences continue after the bulk rows: ordinary creates still work.
    created = contact_create(actor=people.owner, name="新客户")
    assert created.pk > contact.pk


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic_for_a_seed(people):
    _run(20, seed=5)
    first = _snapshot()
    Activity.objects.all().delete()
    Contact.objects.all().delete()
    Account.objects.all().delete()
    _run(20, seed=5)
    assert _snapshot() == first


@pytest.mark.django_db(transaction=True)
def test_demo_only_if_empty_does_nothing_when_customers_exist(people):
    contact_create(actor=people.owner, name="已有客户")
    call_command("demo", contacts=10, only_if_empty=True, stdout=StringIO(), stderr=StringIO())
    assert Contact.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_demo_orders_give_every_demo_customer_scores(people):
    from guanxi.analytics.models import ScoreRefresh
    from guanxi.commerce.models import Order
    from guanxi.customers.models import CustomerScore

    _run(200, seed=3)
    out = StringIO()
    call_command("demo_orders", stdout=out, stderr=StringIO())
    orders = Order.objects.count()
    buyers = Order.objects.values("contact_id").distinct().count()
    assert buyers == 140  # 70 % of the 200 demo contacts
    assert orders >= buyers
    assert f"Demo orders: {orders:,}" in out.getvalue()
    assert CustomerScore.objects.count() == 200
    assert CustomerScore.objects.filter(grid_cell="A").count() == 60
    refresh = ScoreRefresh.objects.get()
    assert (refresh.status, refresh.customers, refresh.buyers) == ("finished", 200, 140)
    call_command("demo_orders", only_if_empty=True, stdout=StringIO(), stderr=StringIO())
    assert Order.objects.count() == orders
    # Ordinary writes continue after the bulk rows.
    from django.utils import timezone

    from guanxi.commerce.services.orders import order_create

    contact = Contact.objects.order_by("pk").first()
    created = order_create(actor=people.admin, contact=contact, ordered_at=timezone.now(), amount=1)
    assert created.pk > Order.objects.exclude(pk=created.pk).order_by("-pk").first().pk


def test_demo_sales_shows_quotes_in_every_state(people):
    """The sales demo on top of the customer demo: a catalogue, price books and quotes waiting
    for approval, sent, accepted into an order, plus lost deals that say why."""
    from guanxi.commerce.models import Order, PriceBook, Product
    from guanxi.sales.models import Opportunity, Quote

    _run(60, seed=2)
    out = StringIO()
    call_command("demo_sales", stdout=out, stderr=StringIO())
    assert Product.objects.count() == 5
    assert sorted(PriceBook.objects.values_list("name", flat=True)) == [
        "VIP 客户价 VIP customers",
        "标准价 Standard",
    ]
    states = set(Quote.objects.values_list("status", "approval"))
    assert {("draft", "pending"), ("sent", "not_needed"), ("accepted", "not_needed")} <= states
    accepted = Quote.objects.get(status="accepted")
    order = Order.objects.get(pk=accepted.order_id)
    assert order.amount == accepted.total
    assert accepted.opportunity is not None and accepted.opportunity.stage.outcome == "won"
    lost = Opportunity.objects.filter(stage__outcome="lost")
    assert lost.exists() and not lost.filter(close_reason="").exists()
    assert f"{Quote.objects.count()} quotes, 6 customers in the pool." in out.getvalue()
    from guanxi.sales.models import PooledCustomer

    assert PooledCustomer.objects.filter(released=True).count() == 6


def test_every_sales_page_opens_on_the_demo(people):
    """The demo as a newcomer sees it: every sales page answers for every role."""
    from django.test import Client

    from guanxi.sales.models import Lead, Opportunity, Quote

    _run(60, seed=4)
    call_command("demo_sales", stdout=StringIO(), stderr=StringIO())
    quote = Quote.objects.order_by("pk").first()
    deal = Opportunity.objects.order_by("pk").first()
    lead = Lead.objects.order_by("pk").first()
    pages = [
        "/today/",
        "/leads/",
        "/opportunities/",
        "/quotes/",
        "/products/",
        "/forecast/",
        "/channels/",
        "/performance/",
        "/visits/",
        "/pool/",
        f"/quotes/{quote.public_id}/",
        f"/opportunities/{deal.public_id}/",
        f"/leads/{lead.public_id}/",
    ]
    for person in (people.admin, people.manager, people.owner, people.reader):
        client = Client()
        client.force_login(person)
        for path in pages:
            status = client.get(path).status_code
            assert status in (200, 404), (person.username, path, status)
