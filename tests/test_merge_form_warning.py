"""The duplicate warning on the contact and account forms uses the scan's scorer, explains
itself, and never names a record the user may not see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from guanxi.customers.models import Account, Contact
from guanxi.customers.selectors import contact_duplicates
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create

EN = {"Accept-Language": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def existing(people: Any) -> Any:
    return contact_create(
        actor=people.owner,
        name="张伟",
        phones=["13800138000"],
        emails=["zhang.wei@example.com"],
        visibility="team",
    )


def test_a_traditional_spelling_with_the_same_email_is_warned_with_reasons(
    people: Any, existing: Any
) -> None:
    form = {"name": "張偉", "emails": "Zhang.Wei@example.com", "visibility": "org"}
    response = _client(people.owner).post("/contacts/new/", form, headers=EN)
    html = response.content.decode()
    assert response.status_code == 422
    assert f"/contacts/{existing.public_id}/" in html
    assert "same e-mail zhang.wei@example.com" in html
    assert "same name in traditional and simplified characters" in html
    assert Contact.objects.count() == 1


def test_the_scorer_decides_not_a_shared_word(people: Any, existing: Any) -> None:
    """Same name and nothing else in common is not enough for a warning (two people called
    张伟 are common); the same mobile and a name that sounds the same is."""
    assert contact_duplicates(people.owner, phones=[], emails=[], name="张伟") == []
    assert contact_duplicates(people.owner, phones=["+8613800138000"], emails=[], name="李娜") == []
    found = contact_duplicates(people.owner, phones=["+8613800138000"], emails=[], name="张薇")
    assert [(c.pk, c.duplicate_decision) for c in found] == [(existing.pk, "certain")]


def test_a_latin_name_in_the_other_order_is_found(people: Any) -> None:
    person = contact_create(actor=people.owner, name="John Smith", emails=["js@example.com"])
    found = contact_duplicates(
        people.owner, phones=[], emails=["JS@example.com"], name="Smith John"
    )
    assert [c.pk for c in found] == [person.pk]
    assert found[0].duplicate_decision == "certain"


def test_an_invisible_record_is_never_named(people: Any, existing: Any) -> None:
    form = {"name": "張偉", "emails": "zhang.wei@example.com", "visibility": "org"}
    response = _client(people.outsider).post("/contacts/new/", form)
    assert response.status_code == 302
    assert Contact.objects.count() == 2


def test_the_account_form_warns_about_the_same_company(people: Any) -> None:
    company = account_create(actor=people.owner, name="华为技术有限公司", website="huawei.com")
    response = _client(people.owner).post(
        "/accounts/new/", {"name": "华为技术有限公司", "visibility": "org"}, headers=EN
    )
    assert response.status_code == 422
    assert f"/accounts/{company.public_id}/" in response.content.decode()
    assert Account.objects.count() == 1
