"""The list pages and both 360 pages read a fixed number of queries, however many rows they show:
one more contact, note or task must never cost one more query (N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.activities import activity_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.services.sharing import collaborator_set


def _queries(client: Client, url: str) -> int:
    client.get(url)  # the first request of a session may write the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _fill(people, account, count: int, offset: int = 0) -> None:
    for index in range(offset, offset + count):
        contact = contact_create(
            actor=people.owner,
            name=f"客户{index}",
            phones=[f"1380013{index:04d}"],
            emails=[f"c{index}@example.com"],
            tags=["VIP", f"t{index}"],
            account=account if index % 2 else None,
        )
        activity_create(actor=people.owner, kind="note", body=f"备注{index}", contact=contact)
        activity_create(
            actor=people.owner, kind="task", subject=f"任务{index}", contact=contact,
            assignee=people.teammate,
        )
        collaborator_set(actor=people.owner, record=contact, user=people.outsider)


@pytest.mark.parametrize("who", ["owner", "outsider", "admin"])
def test_pages_cost_the_same_for_few_and_many_rows(people, who):
    account = account_create(actor=people.owner, name="华为", tags=["重点"])
    other = account_create(actor=people.teammate, name="中兴")
    collaborator_set(actor=people.teammate, record=other, user=people.outsider)
    _fill(people, account, 3)
    client = Client()
    client.force_login(getattr(people, who))
    first = {
        "contacts": _queries(client, "/contacts/"),
        "accounts": _queries(client, "/accounts/"),
        "account 360": _queries(client, f"/accounts/{account.public_id}/"),
    }
    contact = account.contacts.order_by("pk").first()
    first["contact 360"] = _queries(client, f"/contacts/{contact.public_id}/")
    _fill(people, account, 20, offset=3)
    for index in range(5):
        account_create(actor=people.owner, name=f"公司{index}", tags=["x"])
    again = {
        "contacts": _queries(client, "/contacts/"),
        "accounts": _queries(client, "/accounts/"),
        "account 360": _queries(client, f"/accounts/{account.public_id}/"),
        "contact 360": _queries(client, f"/contacts/{contact.public_id}/"),
    }
    # Never more with more rows (a page may need one query less, e.g. when twenty notes fill
    # the timeline and no audit row with a user to name is left on it).
    assert {page: again[page] <= count for page, count in first.items()} == dict.fromkeys(
        first, True
    ), (first, again)
    assert max(first.values()) <= 30, first
