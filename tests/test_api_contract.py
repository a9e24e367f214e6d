"""The API says what it does: schemathesis, with every check, over ``/api/v1/openapi.json``.

Each operation answers only the status codes, content types, headers and bodies its schema
documents; requests the schema allows are accepted and requests it forbids are refused. The app
runs in-process (WSGI) against the test database, so the test runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.config import SchemathesisConfig

from guanxi.commerce.services.orders import order_create
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.activities import activity_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.services.tokens import api_token_create

# What schemathesis counts as "accepted" by default.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

# Small and deterministic: a few examples per operation and phase, a fixed seed, no shrinking.
CONTRACT_CONFIG = {
    "seed": 7,
    "suppress-health-check": ["all"],
    "generation": {
        "mode": "all",
        "max-examples": 3,
        "deterministic": True,
        "no-shrink": True,
        "database": "none",
    },
    "checks": {"enabled": True},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}},
    "operations": [
        {
            # Rules no JSON Schema can state: a province, city and district on the national list
            # (short and English forms accepted), a phone number that exists, an e-mail address
            # and a web address Django accepts, a birthday not in the future, a password strong
            # enough. A schema-valid value that breaks one of them is refused with 422 on its field.
            "include-path-regex": "^/api/v1/(contacts|accounts|users)$",
            "include-method": "POST",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        },
        {
            "include-path-regex": "^/api/v1/(contacts|accounts)/[{]",
            "include-method": "PATCH",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        },
    ],
}


@pytest.fixture
def in_process_requests() -> Any:
    """The test database lives in one transaction: requests must not close its connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def some_data(people: Any) -> None:
    """A little of everything, so that reads find records and writes have something to change."""
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    account = account_create(actor=people.owner, name="上海华联", tags=["vip"])
    for number, name in enumerate(["张伟", "王芳", "李娜"], start=1):
        contact = contact_create(
            actor=people.owner,
            name=name,
            phones=[f"1380013800{number}"],
            emails=[f"c{number}@example.com"],
            account=account,
        )
        activity_create(actor=people.owner, kind="note", subject="来电", contact=contact)
        order_create(
            actor=people.admin,
            contact=contact,
            ordered_at=datetime.datetime(2026, 3, number, 10, tzinfo=shanghai),
            amount=decimal.Decimal("199.00"),
            external_id=f"A-{number}",
        )
    activity_create(
        actor=people.owner,
        kind="task",
        subject="回访",
        account=account,
        due_at=datetime.datetime(2026, 4, 1, 9, tzinfo=shanghai),
    )


def _schema_for(user: Any) -> Any:
    from config.wsgi import application

    _token, raw = api_token_create(actor=user, user=user, name="contract")
    config = SchemathesisConfig.from_dict(
        {**CONTRACT_CONFIG, "headers": {"Authorization": f"Bearer {raw}"}}
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)


@pytest.fixture
def node_id_for_schemathesis(request: Any) -> None:
    """schemathesis 4.32 renames the running test through ``node._nodeid``, which pytest 9.2 no
    longer has; give it the attribute (pytest itself reads ``nodeid``, so nothing else changes)."""
    request.node._nodeid = request.node.nodeid


@pytest.fixture
def admin_schema(
    people: Any, some_data: None, in_process_requests: None, node_id_for_schemathesis: None
) -> Any:
    return _schema_for(people.admin)


@pytest.fixture
def rep_schema(
    people: Any, some_data: None, in_process_requests: None, node_id_for_schemathesis: None
) -> Any:
    return _schema_for(people.outsider)


admin_api = schemathesis.pytest.from_fixture("admin_schema")
rep_api = schemathesis.pytest.from_fixture("rep_schema")


@admin_api.parametrize()
def test_api_keeps_its_contract_for_an_administrator(case: Any) -> None:
    case.call_and_validate()


@rep_api.parametrize()
def test_api_keeps_its_contract_for_a_sales_rep(case: Any) -> None:
    case.call_and_validate()


ENGLISH = {"Accept-Language": "en"}


def test_every_operation_documents_its_problems(api_for: Any, people: Any) -> None:
    schema = api_for(people.admin).get("/api/v1/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) == 102
    for path, method, operation in operations:
        answers = operation["responses"]
        assert {"401", "422"} <= set(answers), (method, path)
        for status, answer in answers.items():
            expected = "application/problem+json" if int(status) >= 400 else "application/json"
            assert set(answer.get("content", {expected: None})) == {expected}, (method, path)


def test_a_number_is_not_a_date(api_for: Any, people: Any, some_data: None) -> None:
    response = api_for(people.admin).get("/api/v1/contacts", {"updated_since": "1.1"}, **ENGLISH)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "updated_since": ["Enter a valid date and time (ISO 8601)."]
    }
    found = api_for(people.admin).get(
        "/api/v1/contacts", {"updated_since": "2000-01-01T00:00:00+08:00"}
    )
    assert [c["name"] for c in found.json()["items"]] == ["李娜", "王芳", "张伟"]


def test_a_body_is_an_object(api_for: Any, people: Any) -> None:
    from guanxi.analytics.models import ScoreRefresh

    response = api_for(people.admin).post(
        "/api/v1/analytics/refresh", raw="[null, null]", **ENGLISH
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"body": ["Send a JSON object."]}
    assert ScoreRefresh.objects.count() == 0


def test_amounts_are_decimal_strings(api_for: Any, people: Any, some_data: None) -> None:
    from guanxi.commerce.models import Order
    from guanxi.customers.models import Contact

    customer = str(Contact.objects.get(name="张伟").public_id)
    body = {"customer": customer, "ordered_at": "2026-05-01T10:00:00+08:00", "amount": 1.5}
    refused = api_for(people.admin).post("/api/v1/orders", body, **ENGLISH)
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"amount": ["Enter a number."]}
    assert Order.objects.count() == 3
    created = api_for(people.admin).post("/api/v1/orders", {**body, "amount": "1.50"})
    assert created.status_code == 201
    assert created.json()["amount"] == "1.50"


def test_cursors_page_through_and_a_stranger_cursor_is_refused(
    api_for: Any, people: Any, some_data: None
) -> None:
    api = api_for(people.admin)
    first = api.get("/api/v1/contacts", {"limit": 2}).json()
    assert [c["name"] for c in first["items"]] == ["李娜", "王芳"]
    second = api.get("/api/v1/contacts", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert ([c["name"] for c in second["items"]], second["next_cursor"]) == (["张伟"], None)
    refused = api.get("/api/v1/contacts", {"cursor": "aWQ6MTA"}, **ENGLISH)
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"cursor": ["This value is not in the expected form."]}
