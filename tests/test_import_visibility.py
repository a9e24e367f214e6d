"""Order imports see what the importing user sees: another team's private customer is neither
linked to (by external id, phone or e-mail) nor created a second time; the report lists refused
rows in file order and counts, not times, under "created"."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from guanxi.commerce.models import Order
from guanxi.commerce.services.imports import orders_import
from guanxi.customers.models import Contact
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent
from guanxi.platform.roles import Role
from guanxi.platform.services.users import user_create
from guanxi.platform.tabular import open_table

pytestmark = pytest.mark.usefixtures("english")

HEADER = "order_id,customer_id,ordered_at,amount,currency,store,channel,phone,email,name\n"
ROWS = (
    "S-0,N0,someday,10,,,,,,\n"  # row 2: refused while reading
    "S-1,P1,2026-01-05,10,,,,,,\n"  # row 3: P1 is the owner's private customer
    "S-2,N1,2026-01-06,20,,,,13900139000,,新客户\n"  # row 4: the phone of a private contact
    "S-3,N3,2026-01-07,abc,,,,,,\n"  # row 5: refused while reading
    "S-4,N4,2026-01-08,40,,,,,wang@example.com,\n"  # row 6: the e-mail of a private contact
)
HIDDEN = "The customer id “P1” belongs to a customer you cannot see."


def run(actor: Any, text: str, **options: Any) -> Any:
    stream = io.BytesIO(text.encode())
    return orders_import(
        actor=actor, table=open_table(stream, name="shop.csv"), file_name="shop.csv", **options
    )


@pytest.fixture
def private(people: Any) -> dict[str, Contact]:
    """Three customers only the owner, the owner's manager and administrators may see."""
    return {
        "by_id": contact_create(
            actor=people.owner, name="私人客户", external_id="P1", visibility="owner"
        ),
        "by_phone": contact_create(
            actor=people.owner, name="私人二", phones=["13900139000"], visibility="owner"
        ),
        "by_email": contact_create(
            actor=people.owner, name="王芳", emails=["wang@example.com"], visibility="team"
        ),
    }


@pytest.fixture
def south_manager(people: Any) -> Any:
    return user_create(
        actor=None,
        username="south-manager",
        password="correct horse battery staple",
        org=people.org,
        role=Role.MANAGER,
        team=people.other_team,
        check_password=False,
    )


def test_another_teams_private_customers_are_neither_linked_nor_recreated(
    people: Any, private: dict[str, Contact], south_manager: Any
) -> None:
    versions = {key: contact.version for key, contact in private.items()}
    report = run(south_manager, HEADER + ROWS, create_customers=True)

    assert (report.orders_created, report.customers_created, report.customers_matched) == (
        2,
        2,
        0,
    )
    assert [(e["row"], e["column"]) for e in report.errors] == [
        (2, "ordered_at"),
        (3, "customer_id"),
        (5, "amount"),
    ]
    assert report.errors[1]["message"] == HIDDEN
    assert "私人客户" not in str(report.errors)
    for key, contact in private.items():
        contact.refresh_from_db()
        assert (contact.version, contact.orders.count()) == (versions[key], 0)
    assert private["by_id"].external_id == "P1"
    assert (private["by_phone"].external_id, private["by_email"].external_id) == ("", "")
    created = {c.external_id: c for c in Contact.objects.filter(external_id__in=["N1", "N4"])}
    assert {key: c.owner_id for key, c in created.items()} == {
        "N1": south_manager.pk,
        "N4": south_manager.pk,
    }
    assert created["N1"].phones.get().number == "+8613900139000"
    assert sorted(Order.objects.values_list("external_id", "contact__external_id")) == [
        ("S-2", "N1"),
        ("S-4", "N4"),
    ]
    finished = AuditEvent.objects.get(verb="commerce.import.finished")
    assert finished.changes["error_count"] == 3


def test_without_creating_customers_the_hidden_and_the_unknown_are_told_apart(
    people: Any, private: dict[str, Contact], south_manager: Any
) -> None:
    report = run(south_manager, HEADER + ROWS)
    assert [(e["row"], e["message"]) for e in report.errors if e["column"] == "customer_id"] == [
        (3, HIDDEN),
        (4, "No customer has the id “N1”; allow new customers to create one."),
        (6, "No customer has the id “N4”; allow new customers to create one."),
    ]
    assert report.orders_created == 0
    assert Order.objects.count() == 0 and Contact.objects.count() == 3


@pytest.mark.parametrize("importer", ["admin", "manager"])
def test_who_sees_the_private_customers_links_them(
    people: Any, private: dict[str, Contact], importer: str
) -> None:
    report = run(getattr(people, importer), HEADER + ROWS, create_customers=True)
    assert (report.orders_created, report.customers_created, report.customers_matched) == (
        3,
        0,
        2,
    )
    assert [e["row"] for e in report.errors] == [2, 5]
    assert sorted(Order.objects.values_list("external_id", "contact__name")) == [
        ("S-1", "私人客户"),
        ("S-2", "私人二"),
        ("S-4", "王芳"),
    ]
    private["by_phone"].refresh_from_db()
    assert private["by_phone"].external_id == "N1"


def test_the_api_import_refuses_the_hidden_customer_row(
    people: Any, private: dict[str, Contact], south_manager: Any, api_for: Any
) -> None:
    row = {"order_id": "S-1", "customer_id": "P1", "ordered_at": "2026-01-05", "amount": "10"}
    response = api_for(south_manager).post(
        "/api/v1/orders/import",
        {"rows": [row], "create_customers": True},
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["orders_created"], body["customers_created"], body["error_count"]) == (0, 0, 1)
    assert body["errors"] == [{"row": 1, "column": "customer_id", "message": HIDDEN}]
    assert Order.objects.count() == 0 and Contact.objects.count() == 3
    denied = api_for(people.owner).post("/api/v1/orders/import", {"rows": [row]})
    assert denied.status_code == 403 and Order.objects.count() == 0
    assert api_for(None).post("/api/v1/orders/import", {"rows": [row]}).status_code == 401


def test_the_recent_imports_table_counts_created_orders(people: Any) -> None:
    run(people.admin, HEADER + ROWS, create_customers=True)
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(people.manager)
    page = client.get("/orders/import/").content.decode()
    recent = page[page.index("<h2>最近的导入</h2>") :]
    assert '<th class="number">新建订单</th>' in recent
    assert "创建时间" not in page


def test_an_order_of_a_customer_the_importer_cannot_see_is_not_taken_over(
    people: Any, private: dict[str, Contact], south_manager: Any
) -> None:
    run(people.admin, HEADER + "S-1,P1,2026-01-05,10,,,,,,\n")
    order = Order.objects.get(external_id="S-1")
    report = run(
        south_manager, HEADER + "S-1,M1,2026-01-05,99999,,,,,,新人\n", create_customers=True
    )
    assert (report.orders_created, report.orders_updated, report.error_count) == (0, 0, 1)
    assert report.errors == [
        {
            "row": 2,
            "column": "order_id",
            "message": "The order id “S-1” belongs to a customer you cannot see.",
        }
    ]
    order.refresh_from_db()
    assert (order.contact_id, order.amount) == (private["by_id"].pk, 10)


def test_a_read_only_shared_contact_is_not_linked_by_phone(people: Any, south_manager: Any) -> None:
    shared = contact_create(actor=people.owner, name="共享客户", phones=["13700137000"])
    run(
        south_manager,
        HEADER + "S-9,X9,2026-01-05,10,,,,13700137000,,新名字\n",
        create_customers=True,
    )
    shared.refresh_from_db()
    assert (shared.external_id, shared.version) == ("", 1)
    assert Order.objects.get(external_id="S-9").contact_id != shared.pk
