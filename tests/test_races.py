"""Two writers at once never get a 500 and lose nothing: a taken order number is a 409, a taken
external id the usual 422, and two imports of the same file both finish with each order once.

The races run in real, separate processes against the test database. On PostgreSQL that is the
test database itself; SQLite's test database lives in this process's memory, so the processes get
a copy of it on disk, where SQLite's IMMEDIATE transactions queue the second writer behind the
first (the non-racy path, which must give the same answer). The conflict paths the processes may
or may not reach on a given machine are also driven in one process, on both databases.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from guanxi.commerce.models import Order
from guanxi.commerce.services import imports
from guanxi.commerce.services.imports import orders_import
from guanxi.core.errors import ServiceValidationError
from guanxi.customers import selectors as customer_selectors
from guanxi.customers.models import Contact
from guanxi.customers.services import contacts
from guanxi.customers.services.contacts import contact_create, contact_update
from guanxi.platform.tabular import open_table

pytestmark = pytest.mark.usefixtures("english")

ROOT = Path(__file__).resolve().parent.parent
HEADER = "order_id,customer_id,ordered_at,amount,currency,store,channel,phone,email,name\n"
HOLD_SECONDS = 2.0
TAKEN_ORDER = "An order with this order id exists already."
TAKEN_EXTERNAL_ID = "Another customer already has the external id “EXT-1”."

# One writer of a race. Once the "second" is set up and waiting, the "holder" writes inside a
# transaction, says so through a marker file and keeps the transaction open for a while; the
# second writes as soon as the marker appears, while the holder's rows are written but not
# committed. Marker files rather than timing, so that a slow start cannot change the outcome.
WORKER = textwrap.dedent(
    """
    import datetime, json, sys, time
    from pathlib import Path

    import django

    django.setup()
    from django.db import transaction
    from django.utils import translation

    from guanxi.core.errors import GuanxiError
    from guanxi.platform.models import User

    action, role, marker, argument = sys.argv[1:5]
    actor = User.objects.get(username="admin")


    def write():
        if action == "order":
            from guanxi.commerce.services.orders import order_create
            from guanxi.customers.models import Contact

            order = order_create(
                actor=actor,
                contact=Contact.objects.get(name="张伟"),
                ordered_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
                amount=10,
                external_id=argument,
            )
            return {"order": order.external_id}
        if action == "claim":
            from guanxi.sales.models import Lead
            from guanxi.sales.services.pools import lead_claim

            username, lead_id = argument.split(":")
            claimer = User.objects.get(username=username)
            lead = lead_claim(actor=claimer, lead=Lead.objects.get(pk=int(lead_id)))
            return {"owner": lead.owner.username}
        if action == "claim_contact":
            from guanxi.customers.models import Contact
            from guanxi.sales.services.pool_customers import customer_claim

            username, contact_id = argument.split(":")
            claimer = User.objects.get(username=username)
            contact = Contact.objects.get(pk=int(contact_id))
            customer_claim(actor=claimer, record=contact)
            contact.refresh_from_db()
            return {"owner": contact.owner.username}
        if action == "stage":
            from guanxi.sales.models import Opportunity, Stage
            from guanxi.sales.services.opportunities import opportunity_move_stage

            deal_id, stage_id = argument.split(":")
            deal = opportunity_move_stage(
                actor=actor,
                opportunity=Opportunity.objects.get(pk=int(deal_id)),
                stage=Stage.objects.get(pk=int(stage_id)),
                version=1,
            )
            return {"version": deal.version}
        if action == "contact":
            from guanxi.customers.services.contacts import contact_create

            return {"contact": contact_create(actor=actor, name="并发", external_id=argument).pk}
        from guanxi.commerce.services.imports import orders_import
        from guanxi.platform.tabular import open_table

        with open(argument, "rb") as stream:
            report = orders_import(
                actor=actor,
                table=open_table(stream, name="orders.csv"),
                file_name="orders.csv",
                create_customers=True,
                batch_size=50,
            )
        return {
            name: getattr(report, name)
            for name in ("orders_created", "orders_unchanged", "customers_created", "error_count")
        }


    def wait_for(path):
        deadline = time.monotonic() + 120
        while not Path(path).exists() and time.monotonic() < deadline:
            time.sleep(0.02)


    with translation.override("en"):
        try:
            if role == "holder":
                wait_for(marker + ".ready")
                with transaction.atomic():
                    result = write()
                    Path(marker).touch()
                    time.sleep(float(sys.argv[5]))
            else:
                Path(marker + ".ready").touch()
                wait_for(marker)
                result = write()
            print(json.dumps({"ok": result}))
        except GuanxiError as exc:
            print(json.dumps({"status": exc.status, "fields": exc.field_errors}))
    """
)


@dataclass
class SharedDatabase:
    env: dict[str, str]
    sqlite_path: Path | None

    def count(self, sql: str) -> int:
        if self.sqlite_path is None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return int(cursor.fetchone()[0])
        with closing(sqlite3.connect(self.sqlite_path)) as database:
            return int(database.execute(sql).fetchone()[0])

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err[-3000:]
    return out


@pytest.fixture
def shared_database(people: Any, tmp_path: Path) -> SharedDatabase:
    """The test database, reachable from other processes, with the customer orders are for."""
    contact_create(actor=people.owner, name="张伟")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = settings["USER"] + (
            f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        )
        env["DATABASE_URL"] = (
            f"postgres://{credentials}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        )
        return SharedDatabase(env=env, sqlite_path=None)
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
        # In WAL mode before the workers open it: two of them switching the journal mode at
        # once would find the file locked.
        target.execute("PRAGMA journal_mode=WAL")
    env["DATABASE_URL"] = f"sqlite:///{path}"
    return SharedDatabase(env=env, sqlite_path=path)


def race(database: SharedDatabase, tmp_path: Path, action: str, argument: str) -> list[Any]:
    marker = tmp_path / f"{action}.marker"
    python = sys.executable
    holder = database.start(
        python, "-c", WORKER, action, "holder", str(marker), argument, str(HOLD_SECONDS)
    )
    second = database.start(python, "-c", WORKER, action, "second", str(marker), argument)
    try:
        return [json.loads(finish(process).splitlines()[-1]) for process in (holder, second)]
    finally:
        for process in (holder, second):
            if process.poll() is None:
                process.kill()
                process.wait()


def orders_file(tmp_path: Path, count: int = 300, customers: int = 60) -> Path:
    path = tmp_path / "orders.csv"
    rows = "".join(
        f"R-{i},C{i % customers},2026-01-{1 + i % 28:02d},{i}.5,,,,,,客户{i % customers}\n"
        for i in range(count)
    )
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once(
    shared_database: SharedDatabase, tmp_path: Path
) -> None:
    path = orders_file(tmp_path)
    command = [str(Path(sys.executable).parent / "guanxi"), "import", "orders", str(path)]
    options = ["--create-customers", "--as", "admin", "--batch-size", "40"]
    outputs = [finish(p) for p in [shared_database.start(*command, *options) for _ in range(2)]]

    created = [int(out.split("orders created: ")[1].split(",")[0]) for out in outputs]
    unchanged = [int(out.split("unchanged: ")[1].split(";")[0]) for out in outputs]
    customers = [int(out.split("customers created: ")[1].split(",")[0]) for out in outputs]
    assert sum(created) == 300 and sum(customers) == 60
    assert [c + u for c, u in zip(created, unchanged, strict=True)] == [300, 300]
    assert all("rows refused: 0." in out for out in outputs)
    assert shared_database.count("SELECT COUNT(*) FROM commerce_order") == 300
    assert shared_database.count("SELECT COUNT(DISTINCT external_id) FROM commerce_order") == 300
    assert shared_database.count("SELECT COUNT(*) FROM customers_contact") == 61
    assert shared_database.count("SELECT COUNT(*) FROM commerce_orderimport") == 2
    finished = "SELECT COUNT(*) FROM commerce_orderimport WHERE status = 'finished'"
    assert shared_database.count(finished) == 2


@pytest.mark.django_db(transaction=True)
def test_an_import_behind_an_uncommitted_one_reads_again(
    shared_database: SharedDatabase, tmp_path: Path
) -> None:
    path = orders_file(tmp_path)
    holder, second = race(shared_database, tmp_path, "import", str(path))
    assert holder == {
        "ok": {
            "orders_created": 300,
            "orders_unchanged": 0,
            "customers_created": 60,
            "error_count": 0,
        }
    }
    assert second == {
        "ok": {
            "orders_created": 0,
            "orders_unchanged": 300,
            "customers_created": 0,
            "error_count": 0,
        }
    }
    assert shared_database.count("SELECT COUNT(*) FROM commerce_order") == 300
    assert shared_database.count("SELECT COUNT(*) FROM customers_contact") == 61


@pytest.mark.django_db(transaction=True)
def test_two_orders_with_one_number_at_once(
    shared_database: SharedDatabase, tmp_path: Path
) -> None:
    holder, second = race(shared_database, tmp_path, "order", "RACE-1")
    assert holder == {"ok": {"order": "RACE-1"}}
    assert second == {"status": 409, "fields": {"order_id": [TAKEN_ORDER]}}
    sql = "SELECT COUNT(*) FROM commerce_order WHERE external_id = 'RACE-1'"
    assert shared_database.count(sql) == 1


@pytest.mark.django_db(transaction=True)
def test_two_contacts_with_one_external_id_at_once(
    shared_database: SharedDatabase, tmp_path: Path
) -> None:
    holder, second = race(shared_database, tmp_path, "contact", "EXT-1")
    assert set(holder) == {"ok"}
    assert second == {"status": 422, "fields": {"external_id": [TAKEN_EXTERNAL_ID]}}
    sql = "SELECT COUNT(*) FROM customers_contact WHERE external_id = 'EXT-1'"
    assert shared_database.count(sql) == 1


def run_import(actor: Any, path: Path) -> Any:
    with path.open("rb") as stream:
        return orders_import(
            actor=actor,
            table=open_table(stream, name=path.name),
            file_name=path.name,
            create_customers=True,
        )


def stale_once(monkeypatch: Any, owner: Any, name: str, stale: Any) -> dict[str, int]:
    """Make ``owner.name`` answer ``stale`` on its first call: what a read made just before
    another writer committed would have seen."""
    original = getattr(owner, name)
    calls = {"n": 0}

    def reader(*args: Any) -> Any:
        calls["n"] += 1
        return stale if calls["n"] == 1 else original(*args)

    monkeypatch.setattr(owner, name, reader)
    return calls


@pytest.mark.parametrize(
    ("owner", "name"),
    [(imports, "_stored_orders"), (customer_selectors, "contact_ids_by_external_id")],
)
def test_a_batch_that_collides_reads_again(
    people: Any, tmp_path: Path, monkeypatch: Any, owner: Any, name: str
) -> None:
    path = orders_file(tmp_path, count=30, customers=6)
    first = run_import(people.admin, path)
    assert (first.orders_created, first.customers_created) == (30, 6)
    calls = stale_once(monkeypatch, owner, name, {})

    second = run_import(people.admin, path)

    assert calls["n"] == 2
    assert (second.orders_created, second.orders_unchanged, second.customers_created) == (0, 30, 0)
    assert (second.status, second.rows_read, second.error_count) == ("finished", 30, 0)
    assert Order.objects.count() == 30 and Contact.objects.count() == 6


def test_an_import_that_keeps_colliding_is_a_conflict_not_a_crash(
    people: Any, tmp_path: Path, monkeypatch: Any, api_for: Any
) -> None:
    path = orders_file(tmp_path, count=5, customers=5)
    run_import(people.admin, path)
    monkeypatch.setattr(imports, "_stored_orders", lambda org_id, order_ids: {})
    row = {"order_id": "R-1", "customer_id": "C1", "ordered_at": "2026-01-02", "amount": "1.5"}
    response = api_for(people.admin).post(
        "/api/v1/orders/import", {"rows": [row]}, **{"Accept-Language": "en"}
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Other changes to the same orders or customers")
    assert Order.objects.count() == 5
    assert sorted(imports.OrderImport.objects.values_list("status", flat=True)) == [
        "failed",
        "finished",
    ]


def test_a_taken_order_number_is_a_409_problem(people: Any, api_for: Any) -> None:
    customer = contact_create(actor=people.owner, name="张伟")
    body = {"customer": str(customer.public_id), "order_id": "POS-1", "amount": "10"}
    body["ordered_at"] = "2026-05-01T12:30:00+08:00"
    admin = api_for(people.admin)
    assert admin.post("/api/v1/orders", body).status_code == 201
    again = admin.post("/api/v1/orders", {**body, "amount": "99"}, **{"Accept-Language": "en"})
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["errors"] == {"order_id": [TAKEN_ORDER]}
    assert list(Order.objects.values_list("external_id", "amount")) == [("POS-1", 10)]


def test_the_external_id_check_is_backed_by_the_constraint(
    people: Any, monkeypatch: Any, api_for: Any
) -> None:
    taken = contact_create(actor=people.owner, name="先来", external_id="EXT-1")
    other = contact_create(actor=people.owner, name="后到")
    # As if a concurrent request took the id just after the check.
    monkeypatch.setattr(contacts, "_check_external_id", lambda *args, **kwargs: None)
    with pytest.raises(ServiceValidationError) as created:
        contact_create(actor=people.owner, name="并发", external_id="EXT-1")
    with pytest.raises(ServiceValidationError) as updated:
        contact_update(
            actor=people.owner, contact=other, version=other.version, external_id="EXT-1"
        )
    for refused in (created, updated):
        assert refused.value.field_errors == {"external_id": [TAKEN_EXTERNAL_ID]}
    response = api_for(people.owner).post(
        "/api/v1/contacts", {"name": "并发", "external_id": "EXT-1"}, **{"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"external_id": [TAKEN_EXTERNAL_ID]}
    other.refresh_from_db()
    assert (other.external_id, other.version) == ("", 1)
    assert list(Contact.objects.values_list("pk", flat=True).order_by("pk")) == [
        taken.pk,
        other.pk,
    ]


@pytest.fixture
def sales_race(people: Any) -> dict[str, int]:
    """A lead waiting in the pool and a deal in its first stage, made before the database is
    shared (SQLite's copy is taken when ``shared_database`` is set up)."""
    from django.utils import timezone

    from guanxi.customers.services.contacts import contact_create
    from guanxi.sales.models import Lead
    from guanxi.sales.services.leads import lead_create
    from guanxi.sales.services.opportunities import opportunity_create
    from guanxi.sales.services.pool_customers import customer_release
    from guanxi.sales.services.pools import pool_create

    pool = pool_create(actor=people.admin, name="公海", is_default=True)
    lead = lead_create(actor=people.manager, name="抢手客户", phones=["13800138000"])
    Lead.objects.filter(pk=lead.pk).update(pool=pool, pooled_at=timezone.now())
    deal = opportunity_create(actor=people.admin, name="大单")
    stage = deal.pipeline.stages.order_by("position")[3]
    customer = contact_create(actor=people.manager, name="抢手老客", phones=["13900139000"])
    customer_release(actor=people.manager, record=customer)
    return {"lead": lead.pk, "deal": deal.pk, "stage": stage.pk, "contact": customer.pk}


@pytest.mark.django_db(transaction=True)
def test_two_reps_claim_the_same_lead_at_once(
    sales_race: dict[str, int], shared_database: SharedDatabase, tmp_path: Path
) -> None:
    holder = shared_database.start(
        sys.executable,
        "-c",
        WORKER,
        "claim",
        "holder",
        str(tmp_path / "m"),
        f"owner:{sales_race['lead']}",
        str(HOLD_SECONDS),
    )
    second = shared_database.start(
        sys.executable,
        "-c",
        WORKER,
        "claim",
        "second",
        str(tmp_path / "m"),
        f"teammate:{sales_race['lead']}",
    )
    results = [json.loads(finish(p).splitlines()[-1]) for p in (holder, second)]
    assert results == [{"ok": {"owner": "owner"}}, {"status": 409, "fields": {}}]
    assert shared_database.count("SELECT COUNT(*) FROM sales_poolclaim") == 1
    assert shared_database.count("SELECT COUNT(*) FROM sales_lead WHERE pool_id IS NULL") == 1


@pytest.mark.django_db(transaction=True)
def test_two_reps_claim_the_same_customer_at_once(
    sales_race: dict[str, int], shared_database: SharedDatabase, tmp_path: Path
) -> None:
    contact = sales_race["contact"]
    holder = shared_database.start(
        sys.executable,
        "-c",
        WORKER,
        "claim_contact",
        "holder",
        str(tmp_path / "m"),
        f"owner:{contact}",
        str(HOLD_SECONDS),
    )
    second = shared_database.start(
        sys.executable,
        "-c",
        WORKER,
        "claim_contact",
        "second",
        str(tmp_path / "m"),
        f"teammate:{contact}",
    )
    results = [json.loads(finish(p).splitlines()[-1]) for p in (holder, second)]
    assert results == [{"ok": {"owner": "owner"}}, {"status": 409, "fields": {}}]
    assert shared_database.count("SELECT COUNT(*) FROM sales_poolclaim") == 1
    assert shared_database.count("SELECT COUNT(*) FROM sales_pooledcustomer") == 0
    pooled = "SELECT COUNT(*) FROM customers_contact WHERE pooled_at IS NOT NULL"
    assert shared_database.count(pooled) == 0


@pytest.mark.django_db(transaction=True)
def test_two_people_move_the_same_deal_at_once(
    sales_race: dict[str, int], shared_database: SharedDatabase, tmp_path: Path
) -> None:
    argument = f"{sales_race['deal']}:{sales_race['stage']}"
    holder, second = race(shared_database, tmp_path, "stage", argument)
    assert holder == {"ok": {"version": 2}}
    assert second["status"] == 409
    assert shared_database.count("SELECT COUNT(*) FROM sales_stagechange") == 2
