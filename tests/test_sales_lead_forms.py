"""Web-to-lead forms: defined by administrators, submitted by anyone — checked like the open
internet's input: field errors in the visitor's language, a trap for robots, a rate limit."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.platform.models import AuditEvent
from guanxi.sales.models import Lead, LeadFormSubmission
from guanxi.sales.services.lead_forms import RATE_LIMIT, lead_form_create, lead_form_submit

EN = {"Accept-Language": "en"}
VISITOR = {"name": "陈静", "phone": "13912345678", "email": "", "company": "悦来茶餐厅"}


@pytest.fixture
def form(people: Any) -> Any:
    return lead_form_create(
        actor=people.admin, name="官网咨询", owner=people.owner, response_hours=4
    )


def _submit(body: dict[str, Any], slug: str, address: str = "203.0.113.7", **headers: str) -> Any:
    return Client(REMOTE_ADDR=address).post(
        f"/api/v1/public/lead-forms/{slug}/submissions",
        body,
        content_type="application/json",
        headers=headers,
    )


def test_administrators_define_forms(people: Any, api_for: Any) -> None:
    response = api_for(people.admin).post(
        "/api/v1/lead-forms", {"name": "展会登记", "source": "trade_show", "owner": "owner"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["source"], body["owner"], body["response_hours"]) == (
        "展会登记",
        "trade_show",
        "owner",
        24,
    )
    assert len(body["slug"]) == 10
    assert body["page_url"] == f"/f/{body['slug']}/"
    assert body["submission_url"] == f"/api/v1/public/lead-forms/{body['slug']}/submissions"
    listed = api_for(people.admin).get("/api/v1/lead-forms").json()
    assert [f["slug"] for f in listed] == [body["slug"]]
    assert api_for(people.manager).post("/api/v1/lead-forms", {"name": "x"}).status_code == 403
    assert api_for(people.owner).get("/api/v1/lead-forms").status_code == 403
    assert api_for(None).post("/api/v1/lead-forms", {"name": "x"}).status_code == 401
    assert api_for(people.admin).post("/api/v1/lead-forms", {}).status_code == 422
    reader = api_for(people.admin).post("/api/v1/lead-forms", {"name": "x", "owner": "reader"})
    assert reader.status_code == 422


def test_a_submission_becomes_a_lead_for_the_forms_owner(people: Any, form: Any) -> None:
    before = timezone.now()
    response = _submit({**VISITOR, "utm_campaign": "spring"}, form.slug)
    assert response.status_code == 201, response.content
    assert response.json() == {"message": "谢谢！我们会尽快与您联系。"}
    lead = Lead.objects.get()
    assert (lead.name, lead.phones, lead.company, lead.owner, lead.channel.code) == (
        "陈静",
        ["+8613912345678"],
        "悦来茶餐厅",
        people.owner,
        "web_form",
    )
    assert lead.utm_campaign == "spring"
    assert before + datetime.timedelta(hours=4) <= lead.respond_by
    assert lead.respond_by <= timezone.now() + datetime.timedelta(hours=4)
    event = AuditEvent.objects.get(verb="sales.lead.created")
    assert event.actor is None
    assert LeadFormSubmission.objects.get().outcome == "created"


def test_field_errors_in_the_visitors_language(form: Any) -> None:
    chinese = _submit({"name": " "}, form.slug)
    assert chinese.status_code == 422
    assert chinese.json()["errors"] == {
        "name": ["请告诉我们您的姓名。"],
        "phone": ["请留下电话或邮箱，以便我们回复您。"],
    }
    english = _submit({"name": "Ann", "phone": "12"}, form.slug, **EN)
    assert english.status_code == 422
    assert list(english.json()["errors"]) == ["phone"]
    wrong_type = _submit({"name": ["x"]}, form.slug, **EN)
    assert wrong_type.status_code == 422
    assert Lead.objects.count() == 0


def test_robots_filling_the_hidden_field_get_no_lead(form: Any) -> None:
    response = _submit({**VISITOR, "website": "http://spam.example"}, form.slug)
    assert response.status_code == 201
    assert Lead.objects.count() == 0
    assert LeadFormSubmission.objects.get().outcome == "trap"


def test_rate_limit_per_address(form: Any) -> None:
    for index in range(RATE_LIMIT):
        phone = f"1391234567{index}"
        assert _submit({**VISITOR, "phone": phone}, form.slug).status_code == 201
    refused = _submit(VISITOR, form.slug, **EN)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600
    assert refused.json()["detail"].startswith("Too many submissions from your address.")
    assert Lead.objects.count() == RATE_LIMIT
    assert _submit(VISITOR, form.slug, address="198.51.100.1").status_code == 201


def test_the_limit_ends_with_its_window(form: Any) -> None:
    long_ago = timezone.now() - datetime.timedelta(minutes=11)
    for index in range(RATE_LIMIT):
        lead_form_submit(
            slug=form.slug,
            data={**VISITOR, "phone": f"1381234567{index}"},
            address="203.0.113.7",
            now=long_ago,
        )
    assert _submit(VISITOR, form.slug).status_code == 201


def test_unknown_or_closed_form(form: Any) -> None:
    assert _submit(VISITOR, "nosuchform").status_code == 404
    form.active = False
    form.save()
    assert _submit(VISITOR, form.slug).status_code == 404
    assert Client().get(f"/f/{form.slug}/").status_code == 404


def test_public_page_is_embeddable_and_submits(form: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    page = client.get(f"/f/{form.slug}/?utm_source=wechat")
    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert "官网咨询" in html and 'name="utm_source" value="wechat"' in html
    refused = client.post(f"/f/{form.slug}/", {"name": "陈静"})
    assert refused.status_code == 422
    assert "请留下电话或邮箱" in refused.content.decode()
    done = client.post(f"/f/{form.slug}/", {**VISITOR, "utm_source": "wechat"})
    assert done.status_code == 200
    assert "谢谢！" in done.content.decode()
    assert Lead.objects.get().utm_source == "wechat"
