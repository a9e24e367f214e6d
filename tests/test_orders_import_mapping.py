"""Order import through the same column mapping as every import: a POS export headed
订单号,客户,日期,金额 in GB18030, as Excel saves it, imports from the service and the web page."""

from __future__ import annotations

import datetime
import decimal
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from guanxi.commerce.models import Order, OrderImport
from guanxi.commerce.rows import parse_moment
from guanxi.commerce.services.imports import orders_import
from guanxi.core.errors import ServiceValidationError
from guanxi.customers.models import Contact
from guanxi.platform.models import AuditEvent
from guanxi.platform.tabular import open_table
from tests.data.imports.make_samples import write_workbook

pytestmark = pytest.mark.usefixtures("english")

POS_EXPORT = Path(__file__).parent / "data" / "imports" / "pos_orders_gb18030.csv"
ZONE = datetime.timezone(datetime.timedelta(hours=8))


def run(actor: Any, data: bytes, name: str = "pos.csv", **options: Any) -> OrderImport:
    table = open_table(io.BytesIO(data), name=name, sheet=options.pop("sheet", None))
    return orders_import(actor=actor, table=table, file_name=name, **options)


def test_a_pos_export_in_chinese_imports(people: Any) -> None:
    report = run(people.admin, POS_EXPORT.read_bytes(), create_customers=True)
    assert (report.rows_read, report.orders_created, report.error_count) == (3, 3, 0)
    assert report.customers_created == 2
    orders = {o.external_id: o for o in Order.objects.select_related("contact")}
    assert {key: (o.ordered_at, o.amount, o.store) for key, o in orders.items()} == {
        "P-1001": (
            datetime.datetime(2026, 1, 3, tzinfo=ZONE),
            decimal.Decimal("128.00"),
            "北京朝阳店",
        ),
        "P-1002": (
            datetime.datetime(2026, 1, 4, tzinfo=ZONE),
            decimal.Decimal("1280.50"),
            "上海店",
        ),
        "P-1003": (
            datetime.datetime(2026, 1, 5, 14, 30, tzinfo=ZONE),
            decimal.Decimal("66.00"),
            "北京朝阳店",
        ),
    }
    assert orders["P-1001"].contact.external_id == "M001"
    assert orders["P-1001"].contact.phones.get().number == "+8613800138000"
    assert orders["P-1003"].contact_id == orders["P-1001"].contact_id
    started = AuditEvent.objects.get(verb="commerce.import.started")
    assert started.changes == {
        "mapping": {
            "订单号": "order_id",
            "客户": "customer_id",
            "日期": "ordered_at",
            "金额": "amount",
            "门店": "store",
            "手机": "phone",
        }
    }
    again = run(people.admin, POS_EXPORT.read_bytes(), create_customers=True)
    assert (again.orders_created, again.orders_unchanged) == (0, 3)


def test_the_web_page_imports_a_pos_export(people: Any) -> None:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(people.manager)
    upload = SimpleUploadedFile("pos.csv", POS_EXPORT.read_bytes(), "text/csv")
    page = client.post("/orders/import/", {"file": upload, "create_customers": "on"})
    assert page.status_code == 200
    assert "Imported pos.csv" in page.content.decode()
    assert sorted(Order.objects.values_list("external_id", flat=True)) == [
        "P-1001",
        "P-1002",
        "P-1003",
    ]
    assert "订单号、单号、订单编号" in client.get("/orders/import/").content.decode()


def test_the_web_page_refuses_a_too_large_file_and_writes_nothing(
    people: Any, settings: Any
) -> None:
    settings.GUANXI_IMPORT_MAX_BYTES = 100
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(people.manager)
    upload = SimpleUploadedFile("pos.csv", POS_EXPORT.read_bytes(), "text/csv")
    page = client.post("/orders/import/", {"file": upload, "create_customers": "on"})
    assert "The file is 175\xa0bytes; at most 100\xa0bytes can be imported at once." in (
        page.content.decode()
    )
    assert not OrderImport.objects.exists() and not Order.objects.exists()
    assert not Contact.objects.exists()


def test_sales_reps_and_anonymous_visitors_cannot_use_the_page(people: Any) -> None:
    for user in (people.owner, people.teammate, people.outsider, people.reader):
        client = Client()
        client.force_login(user)
        upload = SimpleUploadedFile("pos.csv", POS_EXPORT.read_bytes(), "text/csv")
        assert client.post("/orders/import/", {"file": upload}).status_code == 403
    upload = SimpleUploadedFile("pos.csv", POS_EXPORT.read_bytes(), "text/csv")
    assert Client().post("/orders/import/", {"file": upload}).status_code == 302
    assert not OrderImport.objects.exists() and not Order.objects.exists()


def test_a_missing_column_is_named_by_its_field(people: Any) -> None:
    data = "订单号,客户,金额\r\nP-1,M1,10\r\n".encode("gb18030")
    with pytest.raises(ServiceValidationError) as caught:
        run(people.admin, data)
    assert caught.value.message == (
        "The file lacks the column(s) ordered_at. Its header must contain order_id, customer_id, "
        "ordered_at, amount."
    )
    assert not OrderImport.objects.exists()


def test_a_mapping_given_by_the_caller_wins(people: Any) -> None:
    data = "凭证,卡号,交易日,应收,实付金额\n9-1,K1,20260301,10,8\n".encode()
    mapping = {"凭证": "order_id", "卡号": "customer_id", "交易日": "ordered_at"}
    report = run(people.admin, data, create_customers=True, mapping=mapping)
    assert (report.orders_created, report.error_count) == (1, 0)
    order = Order.objects.get()
    assert (order.external_id, order.amount, order.ordered_on) == (
        "9-1",
        decimal.Decimal("8.00"),  # 实付金额, proposed; 应收 is left out
        datetime.date(2026, 3, 1),
    )
    with pytest.raises(ServiceValidationError) as caught:
        run(people.admin, data, mapping={"凭证": "order_id", "卡号": "order_id"})
    assert caught.value.field_errors == {
        "mapping": ["Only one column can go into “Order id”; “凭证”, “卡号” all do."]
    }
    assert OrderImport.objects.count() == 1


def test_an_order_sheet_of_a_workbook(people: Any, tmp_path: Path) -> None:
    data = write_workbook(tmp_path / "book.xlsx").read_bytes()
    report = run(people.admin, data, "book.xlsx", sheet="订单", create_customers=True)
    assert (report.orders_created, report.error_count) == (1, 0)
    order = Order.objects.get()
    assert (order.external_id, order.amount) == ("X-1", decimal.Decimal("88.80"))
    assert order.ordered_at == datetime.datetime(2026, 3, 1, 9, 15, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-03", datetime.datetime(2026, 1, 3, tzinfo=ZONE)),
        ("2026/1/3", datetime.datetime(2026, 1, 3, tzinfo=ZONE)),
        ("20260103", datetime.datetime(2026, 1, 3, tzinfo=ZONE)),
        ("2026年1月3日", datetime.datetime(2026, 1, 3, tzinfo=ZONE)),
        ("3/1/2026", datetime.datetime(2026, 1, 3, tzinfo=ZONE)),
        ("2026/1/3 14:05", datetime.datetime(2026, 1, 3, 14, 5, tzinfo=ZONE)),
        ("2026年1月3日 14:05:09", datetime.datetime(2026, 1, 3, 14, 5, 9, tzinfo=ZONE)),
        ("2026-01-03 14:05:06", datetime.datetime(2026, 1, 3, 14, 5, 6, tzinfo=ZONE)),
        ("2026-02-01T10:30:00+00:00", datetime.datetime(2026, 2, 1, 10, 30, tzinfo=datetime.UTC)),
    ],
)
def test_order_dates_in_the_forms_people_write(text: str, expected: datetime.datetime) -> None:
    assert parse_moment(text, timezone.get_default_timezone()) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026/2/30 10:00", ""])
def test_not_a_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_moment(text)


def test_the_command_line_imports_a_pos_export(people: Any) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "import", "orders", str(POS_EXPORT), "--create-customers", stdout=out, stderr=io.StringIO()
    )
    assert "orders created: 3" in out.getvalue()
    assert Order.objects.count() == 3


def test_the_command_line_takes_map_options_for_orders(people: Any, tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / "till.csv"
    path.write_bytes("凭证,卡号,交易日,应收,实付金额\n9-1,K1,20260301,10,8\n".encode("gb18030"))
    out = io.StringIO()
    call_command(
        "import",
        "orders",
        str(path),
        "--map",
        "凭证=order_id",
        "卡号=customer_id",
        "交易日=ordered_at",
        "实付金额=",
        "应收=amount",
        "--create-customers",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "orders created: 1" in out.getvalue()
    order = Order.objects.get()
    assert (order.external_id, order.amount) == ("9-1", decimal.Decimal("10.00"))
    with pytest.raises(CommandError, match="is not COLUMN=FIELD"):
        call_command("import", "orders", str(path), "--map", "=order_id", stdout=io.StringIO())
    assert Order.objects.count() == 1
