"""Order import: idempotent by order number, per-row errors, GB18030 CSV and XLSX as users save
them, customers matched by phone or e-mail or created, resumable after a failure, and the API."""

from __future__ import annotations

import decimal
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from guanxi.commerce.models import Order, OrderImport
from guanxi.commerce.services import imports
from guanxi.commerce.services.imports import orders_import
from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.customers.models import Contact
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent
from guanxi.platform.tabular import open_table

pytestmark = pytest.mark.usefixtures("english")

HEADER = "order_id,customer_id,ordered_at,amount,currency,store,channel,phone,email,name\n"
ROWS = (
    "A-1,C1,2026-01-05,120.50,,北京店,门店,13800138000,,张伟\n"
    "A-2,C1,2026-02-01T10:30:00+08:00,80,,北京店,门店,,,\n"
    'A-3,C2,2026-02-03,"1,000.00",CNY,,网店,,li@example.com,李娜\n'
)


def run(actor: Any, path: Path, **options: Any) -> OrderImport:
    with path.open("rb") as stream:
        return orders_import(
            actor=actor, table=open_table(stream, name=path.name), file_name=path.name, **options
        )


def write(tmp_path: Path, text: str, *, name: str = "orders.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_then_reimport_changes_nothing(people: Any, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ROWS)
    first = run(people.admin, path, create_customers=True)
    assert (first.orders_created, first.customers_created, first.error_count) == (3, 2, 0)
    orders = {o.external_id: o for o in Order.objects.select_related("contact")}
    assert orders["A-1"].amount == decimal.Decimal("120.50")
    assert orders["A-1"].ordered_on.isoformat() == "2026-01-05"
    assert orders["A-1"].store == "北京店" and orders["A-1"].currency == "CNY"
    assert orders["A-3"].amount == decimal.Decimal("1000.00")
    assert orders["A-1"].contact.name == "张伟"
    assert orders["A-1"].contact.phones.get().number == "+8613800138000"
    assert orders["A-3"].contact.emails.get().email == "li@example.com"
    assert orders["A-2"].contact_id == orders["A-1"].contact_id
    from guanxi.customers.selectors import global_search

    assert [c.name for c in global_search(people.admin, "138 0013 8000").contacts] == ["张伟"]
    assert [c.name for c in global_search(people.admin, "lina").contacts] == ["李娜"]
    created = AuditEvent.objects.get(
        verb="customers.contact.created", target_id=orders["A-1"].contact_id
    )
    assert created.actor_id == people.admin.pk and created.changes["external_id"]["after"] == "C1"
    audit_before = AuditEvent.objects.count()
    updated_at = {o.external_id: o.updated_at for o in Order.objects.all()}

    second = run(people.admin, path, create_customers=True)
    assert (second.orders_created, second.orders_updated, second.orders_unchanged) == (0, 0, 3)
    assert second.customers_created == 0
    assert Order.objects.count() == 3 and Contact.objects.count() == 2
    assert {o.external_id: o.updated_at for o in Order.objects.all()} == updated_at
    # Only the import's own start and finish are recorded.
    assert AuditEvent.objects.count() == audit_before + 2


def test_a_changed_row_updates_its_order(people: Any, tmp_path: Path) -> None:
    run(people.admin, write(tmp_path, HEADER + ROWS), create_customers=True)
    changed = ROWS.replace(
        "A-2,C1,2026-02-01T10:30:00+08:00,80", "A-2,C1,2026-02-01T10:30:00+08:00,95"
    )
    report = run(people.admin, write(tmp_path, HEADER + changed, name="again.csv"))
    assert (report.orders_created, report.orders_updated, report.orders_unchanged) == (0, 1, 2)
    assert Order.objects.get(external_id="A-2").amount == decimal.Decimal("95.00")


def test_bad_rows_are_reported_and_the_rest_imported(people: Any, tmp_path: Path) -> None:
    text = HEADER + (
        "B-1,C1,2026-01-05,10,,,,,,\n"
        ",C1,2026-01-05,10,,,,,,\n"
        "B-3,C1,yesterday,10,,,,,,\n"
        "B-4,C1,2026-01-05,-5,,,,,,\n"
        "B-5,C1,2026-01-05,10,RMB1,,,,,\n"
        "B-6,C1,2026-01-05,10,,,,12,,\n"
        "B-1,C1,2026-01-06,10,,,,,,\n"
        "B-8,C9,2026-01-05,10,,,,,,\n"
    )
    contact_create(actor=people.admin, name="王芳", external_id="C1")
    report = run(people.admin, write(tmp_path, text))
    assert report.orders_created == 1
    assert report.error_count == 7
    assert [(e["row"], e["column"]) for e in report.errors] == [
        (3, "order_id"),
        (4, "ordered_at"),
        (5, "amount"),
        (6, "currency"),
        (7, "phone"),
        (8, "order_id"),
        (9, "customer_id"),
    ]
    assert (
        report.errors[1]["message"] == "“yesterday” is not a date (1997-01-01) or an ISO date-time."
    )
    assert "allow new customers" in report.errors[-1]["message"]


def test_missing_columns_are_refused_before_anything_is_written(
    people: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "order_id,customer,amount\nA-1,C1,10\n")
    with pytest.raises(ServiceValidationError, match="customer_id, ordered_at"):
        run(people.admin, path)
    assert not OrderImport.objects.exists() and not Order.objects.exists()


def test_gb18030_csv_as_excel_saves_it(people: Any, tmp_path: Path) -> None:
    path = write(tmp_path, (HEADER + ROWS).replace("\n", "\r\n"), encoding="gb18030")
    report = run(people.admin, path, create_customers=True)
    assert report.orders_created == 3
    assert Order.objects.get(external_id="A-1").store == "北京店"
    assert Contact.objects.get(external_id="C2").name == "李娜"


def test_xlsx(people: Any, tmp_path: Path) -> None:
    import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Order_ID", "Customer_ID", "Ordered_At", "Amount", "Store"])
    sheet.append(["X-1", 1001, datetime.datetime(2026, 3, 1, 9, 15), 88.8, "上海店"])
    sheet.append(["X-2", 1001, datetime.date(2026, 3, 2), 12, ""])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    report = run(people.admin, path, create_customers=True)
    assert (report.orders_created, report.error_count) == (2, 0)
    first = Order.objects.get(external_id="X-1")
    assert first.amount == decimal.Decimal("88.80")
    assert first.contact.external_id == "1001"
    assert first.ordered_on.isoformat() == "2026-03-01"


def test_unknown_customers_are_matched_by_phone_then_email(people: Any, tmp_path: Path) -> None:
    by_phone = contact_create(actor=people.owner, name="张伟", phones=["138 0013 8000"])
    by_email = contact_create(actor=people.owner, name="李娜", emails=["li@example.com"])
    report = run(people.admin, write(tmp_path, HEADER + ROWS))
    assert (report.customers_matched, report.customers_created, report.orders_created) == (2, 0, 3)
    by_phone.refresh_from_db()
    by_email.refresh_from_db()
    assert (by_phone.external_id, by_email.external_id) == ("C1", "C2")
    assert by_phone.version == 2
    assert AuditEvent.objects.filter(
        verb="customers.contact.updated", target_id=by_phone.pk
    ).exists()


def test_matching_can_be_turned_off(people: Any, tmp_path: Path) -> None:
    contact_create(actor=people.owner, name="张伟", phones=["13800138000"])
    report = run(people.admin, write(tmp_path, HEADER + ROWS), match_by=(), create_customers=True)
    assert (report.customers_matched, report.customers_created) == (0, 2)


def test_a_failure_keeps_whole_batches_and_a_rerun_resumes(
    people: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    lines = "".join(f"R-{i},C{i % 7},2026-01-{1 + i % 28:02d},{i}.5,,,,,,\n" for i in range(25))
    path = write(tmp_path, HEADER + lines)
    original = imports._write_batch
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        written = original(*args, **kwargs)
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return written

    monkeypatch.setattr(imports, "_write_batch", failing)
    with pytest.raises(RuntimeError):
        run(people.admin, path, create_customers=True, batch_size=10)
    assert Order.objects.count() == 10  # the first batch only; the second rolled back
    assert OrderImport.objects.get().status == "failed"
    failed = AuditEvent.objects.get(verb="commerce.import.failed")
    assert failed.changes == {"rows_read": 10, "error": "disk full"}
    monkeypatch.setattr(imports, "_write_batch", original)
    report = run(people.admin, path, create_customers=True, batch_size=10)
    assert (report.orders_created, report.orders_unchanged) == (15, 10)
    assert Order.objects.count() == 25


def test_only_managers_and_administrators_import(people: Any, tmp_path: Path) -> None:
    with pytest.raises(PermissionDeniedError):
        run(people.owner, write(tmp_path, HEADER + ROWS), create_customers=True)
    assert not Order.objects.exists() and not Contact.objects.exists()
    assert (
        run(people.manager, write(tmp_path, HEADER + ROWS), create_customers=True).orders_created
        == 3
    )


def test_command_line(people: Any, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = write(tmp_path, HEADER + ROWS)
    call_command("import", "orders", str(path), "--create-customers", stdout=out, stderr=err)
    assert "orders created: 3" in out.getvalue()
    assert "3/3" in err.getvalue()  # the progress bar
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "orders", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="lacks the column"):
        call_command("import", "orders", str(write(tmp_path, "a,b\n1,2\n", name="bad.csv")))


def test_api_batch_import_and_order_list(people: Any, api_for: Any) -> None:
    rows = [
        {
            "order_id": "W-1",
            "customer_id": "K1",
            "ordered_at": "2026-04-01",
            "amount": "66.00",
            "name": "赵敏",
        },
        {"order_id": "W-2", "customer_id": "K1", "ordered_at": "not a date", "amount": "1"},
    ]
    admin = api_for(people.admin)
    response = admin.post("/api/v1/orders/import", {"rows": rows, "create_customers": True})
    assert response.status_code == 200
    body = response.json()
    assert (body["orders_created"], body["customers_created"], body["error_count"]) == (1, 1, 1)
    assert body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "ordered_at"
    again = admin.post("/api/v1/orders/import", {"rows": rows[:1], "create_customers": True}).json()
    assert (again["orders_created"], again["orders_unchanged"]) == (0, 1)
    listed = admin.get("/api/v1/orders").json()["items"]
    assert [(o["order_id"], o["amount"]) for o in listed] == [("W-1", "66.00")]
    assert api_for(people.owner).post("/api/v1/orders/import", {"rows": rows}).status_code == 403
    assert api_for(None).get("/api/v1/orders").status_code == 401
    # The imported customer is owned by the admin and visible to the whole organisation.
    assert len(api_for(people.outsider).get("/api/v1/orders").json()["items"]) == 1


def test_import_page(people: Any, tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(headers={"Accept-Language": "en"})
    client.force_login(people.manager)
    assert client.get("/orders/import/").status_code == 200
    upload = SimpleUploadedFile("shop.csv", (HEADER + ROWS).encode("gb18030"), "text/csv")
    page = client.post(
        "/orders/import/", {"file": upload, "create_customers": "on"}
    ).content.decode()
    assert "Imported shop.csv" in page
    assert Order.objects.count() == 3
    bad = SimpleUploadedFile("bad.csv", b"a,b\n1,2\n", "text/csv")
    page = client.post("/orders/import/", {"file": bad}).content.decode()
    assert "The file lacks the column(s) order_id, customer_id, ordered_at, amount." in page
    assert client.post("/orders/import/", {}).status_code == 200  # the form asks for a file
    rep = Client()
    rep.force_login(people.owner)
    assert rep.get("/orders/import/").status_code == 403
    assert Client().get("/orders/import/").status_code == 302


def test_broken_files_get_a_clear_error(people: Any, tmp_path: Path) -> None:
    huge = write(tmp_path, HEADER + 'A-1,C1,2026-01-05,"' + "9" * 200_000 + '"\n', name="huge.csv")
    with pytest.raises(ServiceValidationError, match="not valid CSV near line 2"):
        run(people.admin, huge, create_customers=True)
    assert OrderImport.objects.get().status == "failed"
    empty = write(tmp_path, "", name="empty.csv")
    with pytest.raises(ServiceValidationError, match="The file is empty"):
        run(people.admin, empty)
    fake = write(tmp_path, "not a workbook", name="fake.xlsx")
    with pytest.raises(ServiceValidationError, match="could not be read as an Excel workbook"):
        run(people.admin, fake)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + b"A-1,C1,2026-01-05,1,,,,,,\xff\xfe\xfd\n")
    with pytest.raises(ServiceValidationError, match="neither UTF-8 nor GB18030"):
        run(people.admin, latin, create_customers=True)


def test_one_order_with_lines_through_the_api(people: Any, api_for: Any) -> None:
    from guanxi.commerce.models import Product

    customer = contact_create(actor=people.owner, name="张伟")
    Product.objects.create(org=people.org, sku="TEA-1", name="龙井 250g")
    admin = api_for(people.admin)
    body = {
        "customer": str(customer.public_id),
        "order_id": "POS-77",
        "ordered_at": "2026-05-01T12:30:00+08:00",
        "store": "杭州店",
        "lines": [
            {"sku": "TEA-1", "quantity": "2", "unit_price": "88.50"},
            {"description": "包装", "unit_price": "5"},
        ],
    }
    response = admin.post("/api/v1/orders", body, **{"Idempotency-Key": "k-1"})
    assert response.status_code == 201
    order = response.json()
    assert order["amount"] == "182.00" and order["currency"] == "CNY"
    assert [(line["sku"], line["description"], line["amount"]) for line in order["lines"]] == [
        ("TEA-1", "龙井 250g", "177.00"),
        (None, "包装", "5.00"),
    ]
    replay = admin.post("/api/v1/orders", body, **{"Idempotency-Key": "k-1"})
    assert replay.status_code == 201 and replay.json()["id"] == order["id"]
    again = admin.post("/api/v1/orders", body)
    assert again.status_code == 409 and "order_id" in again.json()["errors"]
    unknown = admin.post(
        "/api/v1/orders", {**body, "order_id": "", "lines": [{"sku": "NOPE", "unit_price": "1"}]}
    )
    assert unknown.status_code == 422 and "lines.0.sku" in unknown.json()["errors"]
    nothing = admin.post("/api/v1/orders", {**body, "order_id": "", "lines": []})
    assert nothing.status_code == 422
    assert (
        admin.post(
            "/api/v1/orders", {**body, "customer": "00000000-0000-4000-8000-000000000000"}
        ).status_code
        == 404
    )
    assert (
        api_for(people.owner).post("/api/v1/orders", {**body, "order_id": "X"}).status_code == 403
    )
    assert (
        AuditEvent.objects.filter(verb="commerce.order.created", subject_id=customer.pk).count()
        == 1
    )

    refunded = admin.patch(f"/api/v1/orders/{order['id']}", {"status": "refunded"})
    assert refunded.status_code == 200 and refunded.json()["status"] == "refunded"
    assert admin.patch(f"/api/v1/orders/{order['id']}", {"status": "lost"}).status_code == 422
    assert api_for(people.outsider).get(f"/api/v1/orders/{order['id']}").status_code == 200
    assert api_for(None).get(f"/api/v1/orders/{order['id']}").status_code == 401
