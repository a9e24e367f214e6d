"""Leads through the API: create, find, update with versions, convert once; every refusal a
problem body and nothing written."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent
from guanxi.sales.models import Lead, Opportunity

pytestmark = pytest.mark.usefixtures("english")
EN = {"Accept-Language": "en"}

CARD = {
    "name": "王芳",
    "phones": ["138 0013 8000"],
    "emails": ["Wang.Fang@Example.com"],
    "company": "华联超市",
    "source": "trade_show",
}


def _create(api: Any, **body: Any) -> Any:
    response = api.post("/api/v1/leads", {**CARD, **body}, **EN)
    assert response.status_code == 201, response.content
    return response.json()


def test_create_answers_the_cleaned_lead(people: Any, api_for: Any) -> None:
    body = _create(api_for(people.owner), utm_campaign="expo-2026", message="要报价\n两百台")
    lead = Lead.objects.get()
    assert body["id"] == str(lead.public_id)
    assert {k: body[k] for k in ("name", "phones", "emails", "company", "source", "status")} == {
        "name": "王芳",
        "phones": ["+8613800138000"],
        "emails": ["wang.fang@example.com"],
        "company": "华联超市",
        "source": "trade_show",
        "status": "new",
    }
    assert (body["utm_campaign"], body["message"], body["owner"]) == (
        "expo-2026",
        "要报价\n两百台",
        "owner",
    )
    assert lead.respond_by - lead.created_at < datetime.timedelta(hours=24, seconds=5)
    assert lead.respond_by - lead.created_at > datetime.timedelta(hours=23, minutes=59)
    assert (body["contact_id"], body["account_id"], body["opportunity_id"]) == (None, None, None)
    assert AuditEvent.objects.filter(verb="sales.lead.created", target_id=lead.pk).count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": " "}, "name", None),
        ({"source": "fax"}, "source", "Unknown channel."),
        ({"phones": ["12"]}, "phones.0", None),
        ({"emails": ["nobody"]}, "emails.0", "“nobody” is not a valid e-mail address."),
        ({"phones": [], "emails": [], "company": ""}, "phones", None),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    people: Any, api_for: Any, body: dict[str, Any], field: str, message: str | None
) -> None:
    response = api_for(people.owner).post("/api/v1/leads", {**CARD, **body}, **EN)
    assert response.status_code == 422, response.content
    problem = response.json()
    errors = problem.get("errors") or problem.get("field_errors") or {}
    assert any(key.endswith(field) for key in errors), problem
    if message:
        assert any(message in text for texts in errors.values() for text in texts), problem
    assert Lead.objects.count() == 0


def test_search_by_name_pinyin_phone_and_email(people: Any, api_for: Any) -> None:
    api = api_for(people.owner)
    wang = _create(api)["id"]
    _create(api, name="李雷", phones=["13900139000"], emails=[], company="")
    for q, expected in [
        ("王芳", [wang]),
        ("wangfang", [wang]),
        ("wf", [wang]),
        ("8000", [wang]),
        ("1380013", [wang]),
        ("wang.fang@example.com", [wang]),
        ("华联", [wang]),
        ("nobody", []),
    ]:
        found = api.get("/api/v1/leads", {"q": q}).json()["items"]
        assert [item["id"] for item in found] == expected, q


def test_stale_edit_is_refused(people: Any, api_for: Any) -> None:
    api = api_for(people.owner)
    lead = _create(api)
    path = f"/api/v1/leads/{lead['id']}"
    first = api.patch(path, {"status": "working", "version": 1}, **EN)
    assert (first.status_code, first.json()["version"], first.json()["status"]) == (
        200,
        2,
        "working",
    )
    stale = api.patch(path, {"title": "经理", "version": 1}, **EN)
    assert stale.status_code == 409
    by_header = api.patch(path, {"title": "经理"}, **{**EN, "If-Match": '"1"'})
    assert by_header.status_code == 412
    assert Lead.objects.get().title == ""


def test_disqualifying_needs_a_reason(people: Any, api_for: Any) -> None:
    api = api_for(people.owner)
    path = f"/api/v1/leads/{_create(api)['id']}"
    assert api.patch(path, {"status": "disqualified"}, **EN).status_code == 428
    refused = api.patch(path, {"status": "disqualified", "version": 1}, **EN)
    assert refused.status_code == 422
    assert Lead.objects.get().status == "new"
    reason = {"status": "disqualified", "disqualified_reason": "学生，无预算", "version": 1}
    done = api.patch(path, reason, **EN)
    assert (done.json()["status"], done.json()["disqualified_reason"]) == (
        "disqualified",
        "学生，无预算",
    )
    again = api.post(f"{path}/convert", {}, **EN)
    assert again.status_code == 409


def test_convert_creates_customer_and_deal_once(people: Any, api_for: Any) -> None:
    api = api_for(people.owner)
    lead = _create(api)
    path = f"/api/v1/leads/{lead['id']}/convert"
    body = {"create_opportunity": True, "opportunity_name": "两百台收银机", "amount": "128000.00"}
    response = api.post(path, body, **EN)
    assert response.status_code == 200, response.content
    answer = response.json()
    contact = Contact.objects.get()
    account = Account.objects.get()
    deal = Opportunity.objects.get()
    assert answer == {
        "contact_id": str(contact.public_id),
        "account_id": str(account.public_id),
        "opportunity_id": str(deal.public_id),
    }
    assert (contact.name, contact.account_id, account.name) == ("王芳", account.pk, "华联超市")
    assert [p.number for p in contact.phones.all()] == ["+8613800138000"]
    assert (deal.name, str(deal.amount), deal.account_id, deal.contact_id) == (
        "两百台收银机",
        "128000.00",
        account.pk,
        contact.pk,
    )
    assert deal.stage.name == "Prospecting"
    again = api.post(path, body, **EN)
    assert (again.status_code, again.json()["detail"]) == (409, "This lead was already converted.")
    assert (Contact.objects.count(), Opportunity.objects.count()) == (1, 1)
    shown = api.get(f"/api/v1/leads/{lead['id']}").json()
    assert (shown["status"], shown["contact_id"]) == ("qualified", str(contact.public_id))
    # The lead's history is on the customer's timeline.
    verbs = set(
        AuditEvent.objects.filter(
            subject_type="customers.contact", subject_id=contact.pk
        ).values_list("verb", flat=True)
    )
    assert {"sales.lead.created", "sales.lead.converted", "customers.contact.created"} <= verbs


def test_convert_links_to_the_customer_it_already_is(people: Any, api_for: Any) -> None:
    company = account_create(actor=people.owner, name="华联超市")
    known = contact_create(actor=people.owner, name="王芳", phones=["13800138000"], account=company)
    lead = _create(api_for(people.owner), emails=[])
    answer = api_for(people.owner).post(f"/api/v1/leads/{lead['id']}/convert", {}).json()
    assert answer == {
        "contact_id": str(known.public_id),
        "account_id": str(company.public_id),
        "opportunity_id": None,
    }
    assert (Contact.objects.count(), Account.objects.count()) == (1, 1)


def test_convert_never_links_or_names_a_hidden_customer(people: Any, api_for: Any) -> None:
    hidden = account_create(actor=people.outsider, name="华联超市", visibility="owner")
    contact_create(actor=people.outsider, name="王芳", phones=["13800138000"], visibility="owner")
    lead = _create(api_for(people.owner))
    answer = api_for(people.owner).post(f"/api/v1/leads/{lead['id']}/convert", {}).json()
    mine = Contact.objects.get(public_id=answer["contact_id"])
    assert mine.owner == people.owner
    assert answer["account_id"] != str(hidden.public_id)
    assert Account.objects.get(public_id=answer["account_id"]).owner == people.owner


def test_permissions(people: Any, api_for: Any) -> None:
    lead = _create(api_for(people.owner))
    path = f"/api/v1/leads/{lead['id']}"
    assert api_for(None).get(path).status_code == 401
    assert api_for(None).post("/api/v1/leads", CARD).status_code == 401
    assert api_for(people.reader).post("/api/v1/leads", CARD).status_code == 403
    # Visible to the whole organisation (read-only for another team) by default.
    assert api_for(people.outsider).get(path).status_code == 200
    assert api_for(people.outsider).patch(path, {"title": "x", "version": 1}).status_code == 403
    assert api_for(people.outsider).post(f"{path}/convert", {}).status_code == 403
    private = _create(api_for(people.owner), visibility="owner", name="秘密客户")
    outsider = api_for(people.outsider)
    assert outsider.get(f"/api/v1/leads/{private['id']}").status_code == 404
    assert outsider.get("/api/v1/leads", {"q": "秘密"}).json()["items"] == []
    assert [i["name"] for i in outsider.get("/api/v1/leads").json()["items"]] == ["王芳"]
    assert Lead.objects.filter(title="x").count() == 0
    assert Contact.objects.count() == 0
