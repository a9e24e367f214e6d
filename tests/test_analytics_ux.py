"""What a new user tripped over in analytics: refreshing without a shell (button, queue, progress,
one at a time, after each import), the churn call list (paged, total, phone, owner, streamed
CSV), drill-down from the charts to the contact list, the "Developing" value group, and the
explanation when a loyal customer carries a churn warning.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.analytics.explain import contradiction_text, score_explanation
from guanxi.analytics.models import RefreshStatus, ScoreRefresh
from guanxi.analytics.selectors import NO_FILTER, churn_call_list, churn_row, value_matrix
from guanxi.analytics.services.queue import (
    ABANDONED_AFTER,
    refresh_after_order_import,
    refresh_start,
    score_refresh_queue,
    stage_recorder,
)
from guanxi.analytics.services.refresh import SCORE_COLUMNS, scores_refresh
from guanxi.analytics.tasks import refresh_customer_scores
from guanxi.commerce.hooks import after_order_import, run_after_order_import
from guanxi.commerce.models import OrderImport
from guanxi.customers.models import Contact, CustomerScore
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.scores import customer_scores_replace
from guanxi.platform.models import AuditEvent

pytestmark = pytest.mark.usefixtures("english")

AS_OF = datetime.date(2025, 6, 30)
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
QUEUED_MESSAGE = "Refresh queued. The figures below update when it has finished."
BUSY_MESSAGE = (
    "A refresh is already queued or running. Wait until it has finished; the page updates by "
    "itself."
)


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _queued_tasks() -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.order_by("pk"))


# Refresh now: who sees the button, who may press it.


def test_only_managers_and_administrators_see_the_refresh_button(people: Any) -> None:
    for user, shown in (
        (people.admin, True),
        (people.manager, True),
        (people.owner, False),
        (people.teammate, False),
        (people.reader, False),
    ):
        html = _client(user).get("/analytics/", **ENGLISH).content.decode()
        assert ("Refresh now" in html) is shown, user.username
        assert ("press “Refresh now” above" in html) is shown, user.username


def test_refresh_button_queues_one_refresh(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(people.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/analytics/refresh/", follow=True, **ENGLISH)
    assert response.redirect_chain == [("/analytics/", 302)]
    html = response.content.decode()
    assert QUEUED_MESSAGE in html
    refresh = ScoreRefresh.objects.get()
    assert (refresh.status, refresh.stage, refresh.actor) == ("queued", "", people.manager)
    assert refresh.as_of == timezone.localdate()
    [task] = _queued_tasks()
    assert task.task_path == "guanxi.analytics.tasks.refresh_customer_scores"
    assert task.args_kwargs == {"args": [people.org.pk, None], "kwargs": {"refresh_id": refresh.pk}}
    event = AuditEvent.objects.get(verb="analytics.scores.refresh_queued")
    assert (event.actor, event.target_id) == (people.manager, refresh.pk)
    # The page polls while the refresh waits, and the button is disabled.
    assert 'hx-trigger="every 3s"' in html
    assert "Refresh queued at" in html
    assert '<button type="submit" disabled>Refresh now</button>' in html

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/analytics/refresh/", follow=True, **ENGLISH)
    assert BUSY_MESSAGE in again.content.decode()
    assert ScoreRefresh.objects.count() == 1 and len(_queued_tasks()) == 1
    assert AuditEvent.objects.filter(verb="analytics.scores.refresh_queued").count() == 1


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "reader"])
def test_others_may_not_refresh(people: Any, who: str) -> None:
    response = _client(getattr(people, who)).post("/analytics/refresh/", **ENGLISH)
    assert response.status_code == 403
    assert not ScoreRefresh.objects.exists() and _queued_tasks() == []
    assert not AuditEvent.objects.filter(verb__startswith="analytics.").exists()


def test_anonymous_visitors_may_not_refresh(people: Any) -> None:
    response = Client().post("/analytics/refresh/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    status = Client().get("/analytics/refresh/status/")
    assert status.status_code == 302
    assert not ScoreRefresh.objects.exists()


def test_refresh_through_the_api_refuses_a_second_one(
    people: Any, api_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/analytics/refresh", {"as_of": "2025-06-30"})
    assert first.status_code == 202
    refresh = ScoreRefresh.objects.get()
    assert first.json() == {
        "queued": True,
        "as_of": "2025-06-30",
        "refresh": str(refresh.public_id),
    }
    assert refresh.as_of == AS_OF
    second = api.post("/api/v1/analytics/refresh", {}, **{"Accept-Language": "en"})
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["detail"] == BUSY_MESSAGE
    assert ScoreRefresh.objects.count() == 1 and len(_queued_tasks()) == 1
    denied = api_for(people.owner).post("/api/v1/analytics/refresh", {})
    assert denied.status_code == 403
    assert ScoreRefresh.objects.count() == 1


def test_an_abandoned_refresh_does_not_block_a_new_one(people: Any) -> None:
    stuck = ScoreRefresh.objects.create(org=people.org, as_of=AS_OF)  # "running" since long ago
    ScoreRefresh.objects.filter(pk=stuck.pk).update(
        updated_at=timezone.now() - ABANDONED_AFTER - datetime.timedelta(minutes=1)
    )
    refresh = score_refresh_queue(actor=people.manager)
    assert refresh is not None and refresh.status == RefreshStatus.QUEUED
    html = _client(people.manager).get("/analytics/", **ENGLISH).content.decode()
    assert "Refresh queued at" in html


# Progress: the stages are stored as the refresh goes, and the page follows them.


def test_the_task_runs_the_queued_refresh_and_records_each_stage(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    contact_create(actor=people.owner, name="王芳")
    with django_capture_on_commit_callbacks(execute=True):
        queued = score_refresh_queue(actor=people.admin, as_of=AS_OF)
    assert queued is not None
    seen: list[tuple[str, str, str]] = []

    def watch(stage: str, done: int, total: int) -> None:
        row = ScoreRefresh.objects.get(pk=queued.pk)
        seen.append((stage, row.stage, row.status))

    refresh = scores_refresh(actor=None, org_id=people.org.pk, refresh_id=queued.pk, progress=watch)
    assert refresh.pk == queued.pk
    assert seen == [
        ("summary", "summary", "running"),
        ("models", "models", "running"),
        ("writing", "writing", "running"),
        ("follow-ups", "follow-ups", "finished"),
        ("done", "done", "finished"),
    ]
    assert ScoreRefresh.objects.count() == 1
    # The task of a refresh that has already run does nothing.
    assert refresh_customer_scores.call(people.org.pk, None, refresh_id=queued.pk) == queued.pk
    assert ScoreRefresh.objects.count() == 1


def test_the_status_line_polls_while_running_and_reloads_the_page_when_done(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    contact_create(actor=people.owner, name="王芳")
    first = scores_refresh(actor=people.admin, as_of=AS_OF)
    client = _client(people.owner)  # a sales rep follows the progress without the button
    page = client.get("/analytics/", **ENGLISH).content.decode()
    assert "Last refresh finished at" in page and "Refresh now" not in page
    assert "hx-trigger" not in page

    with django_capture_on_commit_callbacks(execute=True):
        queued = score_refresh_queue(actor=people.admin, as_of=AS_OF)
    assert queued is not None
    url = f"/analytics/refresh/status/?shown={first.pk}"
    waiting = client.get(url, **ENGLISH)
    assert "Refresh queued at" in waiting.content.decode()
    assert f'hx-get="/analytics/refresh/status/?shown={first.pk}"' in waiting.content.decode()
    assert "HX-Refresh" not in waiting

    running = refresh_start(org_id=people.org.pk, actor=None, as_of=AS_OF, refresh_id=queued.pk)
    stage_recorder(running, lambda *args: None)("models", 1, 4)
    html = client.get(url, **ENGLISH).content.decode()
    assert "Refreshing: Fitting the models…" in html and 'hx-trigger="every 3s"' in html

    ScoreRefresh.objects.filter(pk=queued.pk).delete()
    refresh_customer_scores.call(people.org.pk, AS_OF.isoformat())  # as the nightly job does
    done = client.get(url, **ENGLISH)
    assert done["HX-Refresh"] == "true"  # newer figures: htmx reloads the page
    assert "Last refresh finished at" in done.content.decode()
    assert "hx-trigger" not in done.content.decode()
    newest = ScoreRefresh.objects.latest("pk")
    settled = client.get(f"/analytics/refresh/status/?shown={newest.pk}", **ENGLISH)
    assert "HX-Refresh" not in settled


# A refresh after each order import, through commerce's hook registry.


def test_an_order_import_queues_at_most_one_refresh(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert refresh_after_order_import in after_order_import
    report = OrderImport.objects.create(org=people.org, actor=people.owner, file_name="a.csv")
    with django_capture_on_commit_callbacks(execute=True):
        run_after_order_import(report.pk)
    queued = ScoreRefresh.objects.get()
    assert (queued.status, queued.actor) == ("queued", None)
    with django_capture_on_commit_callbacks(execute=True):
        run_after_order_import(report.pk)  # one is waiting already: it will read these orders too
    assert ScoreRefresh.objects.count() == 1 and len(_queued_tasks()) == 1

    refresh_start(org_id=people.org.pk, actor=None, as_of=AS_OF, refresh_id=queued.pk)
    with django_capture_on_commit_callbacks(execute=True):
        run_after_order_import(report.pk)  # the running one may have missed the new orders
    assert sorted(ScoreRefresh.objects.values_list("status", flat=True)) == ["queued", "running"]
    assert len(_queued_tasks()) == 2


# The call list.

PHONES = ["13800138000", "+85291234567"]


@pytest.fixture
def at_risk(people: Any) -> list[Contact]:
    """120 customers with a churn warning (risk falling with the number), owned by the owner and
    shared with the organisation, plus one private to the owner, and one without a warning."""
    scores_refresh(actor=people.admin, as_of=AS_OF)  # the page needs a finished refresh
    contacts = [
        contact_create(
            actor=people.owner,
            name=f"客户{number:03d}",
            phones=[PHONES[number % 2]] if number % 3 else [],
        )
        for number in range(120)
    ]
    private = contact_create(
        actor=people.owner, name="私人客户", visibility="owner", phones=["13900139000"]
    )
    calm = contact_create(actor=people.teammate, name="安心客户")
    rows = []
    for position, contact in enumerate([*contacts, private, calm]):
        warned = contact is not calm
        values = {
            "contact_id": contact.pk,
            "org_id": people.org.pk,
            "as_of": AS_OF,
            "refreshed_at": timezone.now(),
            "first_purchase_on": datetime.date(2025, 1, 1),
            "last_purchase_on": datetime.date(2025, 3, 1),
            "purchase_days": 3,
            "orders": 3,
            "historical_value": Decimal(100 + position),
            "current_value": Decimal(100 + position),
            "average_order_value": Decimal("33.33"),
            "recency_days": 121,
            "rfm_recency": 2,
            "rfm_frequency": 3,
            "rfm_monetary": 3,
            "rfm_segment": "at_risk",
            "p_alive": None,
            "expected_purchases": None,
            "expected_spend": None,
            "clv": None,
            "potential_value": None,
            "value_quadrant": "",
            "grid_cell": "B",
            "previous_grid_cell": "",
            "previous_p_alive": None,
            "churn_risk": round(0.99 - position / 1000, 3) if warned else 0.0,
            "churn_reasons": json.dumps(
                [{"code": "overdue", "days": 121, "usual_days": 29.5}] if warned else []
            ),
        }
        rows.append([values[column] for column in SCORE_COLUMNS])
    customer_scores_replace(org_id=people.org.pk, columns=SCORE_COLUMNS, rows=rows)
    return [*contacts, private]


def _churn_rows(html: str) -> int:
    table = html.split('<table class="list churn">', 1)[1].split("</table>", 1)[0]
    return table.count("<tr>") - 1  # the header row


def test_call_list_is_paged_with_its_total(at_risk: list[Contact], people: Any) -> None:
    client = _client(people.owner)
    first = client.get("/analytics/", **ENGLISH)
    html = first.content.decode()
    assert "121 customers to call, most at risk first. Showing 1–50." in html
    assert _churn_rows(html) == 50
    assert "Page 1 of 3" in html
    assert 'href="?churn_page=2#churn"' in html
    row = first.context["churn"].rows[0]
    assert (row.name, row.phone, row.owner) == ("客户000", "", "owner")
    assert [r.phone for r in first.context["churn"].rows[1:3]] == [
        "+852 9123 4567",
        "138 0013 8000",
    ]
    assert row.last_purchase_on == datetime.date(2025, 3, 1)
    assert row.reasons == [
        "No purchase for 121 days, while this customer usually buys every 30 days."
    ]
    assert row.explanation == ""  # "At risk" agrees with the warning: nothing to explain
    assert '<a href="tel:13800138000">138 0013 8000</a>' in html

    last = client.get("/analytics/?churn_page=3", **ENGLISH)
    assert _churn_rows(last.content.decode()) == 21
    assert "Showing 101–121." in last.content.decode()
    assert [r.name for r in last.context["churn"].rows[-2:]] == ["客户119", "私人客户"]
    beyond = client.get("/analytics/?churn_page=99", **ENGLISH)
    assert beyond.context["churn"].page.number == 3

    # The outsider sees neither the owner's private customer nor, here, any other difference.
    outsider = _client(people.outsider).get("/analytics/?churn_page=3", **ENGLISH)
    assert "120 customers to call" in outsider.content.decode()
    assert "私人客户" not in outsider.content.decode()


def test_call_list_csv_streams_every_visible_row_with_the_phone(
    at_risk: list[Contact], people: Any
) -> None:
    response = _client(people.owner).get("/analytics/?export=churn", **ENGLISH)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[0] == (
        "Customer ID,Customer,Phone,Owner,Last purchase,Churn risk (%),Chance still active (%),"
        "Historical value,Segment,Reasons"
    )
    assert len(lines) == 1 + 121 + 1  # header, every row, the empty string after the last \r\n
    second = at_risk[1]
    # A number in international format starts with "+", which a spreadsheet would run as a
    # formula: it is quoted like any other such text.
    assert lines[2] == (
        f"{second.public_id},客户001,'+852 9123 4567,owner,2025-03-01,98.9,,101.00,At risk,"
        '"No purchase for 121 days, while this customer usually buys every 30 days."'
    )
    assert lines[-2].split(",")[1:3] == ["私人客户", "139 0013 9000"]
    outsider = _client(people.outsider).get("/analytics/?export=churn", **ENGLISH)
    outsider_text = b"".join(outsider.streaming_content).decode("utf-8")
    assert len(outsider_text.split("\r\n")) == 1 + 120 + 1
    assert "私人客户" not in outsider_text


def test_call_list_reads_phones_in_one_query_per_page(
    at_risk: list[Contact], people: Any, django_assert_num_queries: Any
) -> None:
    scores = churn_call_list(people.admin, NO_FILTER)[:50]
    with django_assert_num_queries(2):  # the scores with contacts and owners, then the phones
        rows = [churn_row(score) for score in scores]
    assert len(rows) == 50


# Drill-down from the charts to the contact list, and the "Developing" value group.


def test_charts_and_cells_open_the_filtered_contact_list(
    at_risk: list[Contact], people: Any
) -> None:
    client = _client(people.owner)
    page = client.get("/analytics/", **ENGLISH)
    html = page.content.decode()
    charts = page.context["charts"]
    assert charts["contacts_url"] == "/contacts/"
    assert charts["segments"]["keys"][:3] == ["champions", "loyal", "potential_loyalist"]
    assert charts["revenue"]["keys"] == []
    assert [s["key"] for s in charts["value_matrix"]["series"]] == [
        "strategic",
        "profitable",
        "risk",
        "ordinary",
    ]
    assert [s["name"] for s in charts["value_matrix"]["series"]][2] == "Developing"
    for cell in "ABCDE":
        assert f'href="/contacts/?grid_cell={cell}"' in html
    for group in ("strategic", "profitable", "risk", "ordinary"):
        assert f'href="/contacts/?value_group={group}"' in html
    # The contact list understands exactly these parameters.
    first = f"/contacts/{at_risk[0].public_id}/"
    listed = client.get("/contacts/", {"grid_cell": "B", "segment": "at_risk", "q": "客户000"})
    assert first in listed.content.decode()
    query, link = {"grid_cell": "B", "q": "私人客户"}, f"/contacts/{at_risk[-1].public_id}/"
    assert link in client.get("/contacts/", query).content.decode()
    assert link not in _client(people.outsider).get("/contacts/", query).content.decode()
    empty = client.get("/contacts/", {"grid_cell": "E", "q": "客户000"}).content.decode()
    assert first not in empty


def test_the_developing_value_group(people: Any) -> None:
    quadrants = value_matrix(people.admin, NO_FILTER).quadrants
    assert [(q.key, q.label) for q in quadrants] == [
        ("strategic", "Strategic"),
        ("profitable", "Profitable"),
        ("risk", "Developing"),
        ("ordinary", "Ordinary"),
    ]


# Loyal, yet at risk: the explanation.


def _loyal_overdue(**changes: Any) -> CustomerScore:
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "first_purchase_on": datetime.date(2025, 1, 1),
        "last_purchase_on": datetime.date(2025, 3, 1),
        "purchase_days": 10,
        "orders": 12,
        "historical_value": Decimal("2400.00"),
        "recency_days": 121,
        "rfm_recency": 3,
        "rfm_frequency": 5,
        "rfm_monetary": 5,
        "rfm_segment": "loyal",
        "p_alive": 0.0021,
        "churn_risk": 0.9979,
        "grid_cell": "E",
        "churn_reasons": [{"code": "p_alive_low", "p_alive": 0.0021}],
    }
    values.update(changes)
    return CustomerScore(**values)


LOYAL_EXPLANATION = (
    "Why “Loyal customers” and a churn warning at once: the segment ranks this customer against "
    "the others, most of whom buy less often; the warning compares them with their own habit. "
    "They usually buy every 7 days but have not bought for 121 days, so the chance that they "
    "still buy from us is put at 0%. Call them soon."
)


def test_a_loyal_customer_at_risk_is_explained_in_plain_words() -> None:
    # 10 purchase days from 1 January to 1 March: every 59 / 9 = 6.6 days.
    score = _loyal_overdue()
    assert contradiction_text(score) == LOYAL_EXPLANATION
    assert score_explanation(score)[-2:] == [
        "Only a 0% chance that this customer is still buying from us.",
        LOYAL_EXPLANATION,
    ]
    # The overdue check's own measure of the rhythm wins; without P(alive) the sentence is shorter.
    overdue = _loyal_overdue(
        rfm_segment="champions",
        p_alive=None,
        churn_reasons=[{"code": "overdue", "days": 121, "usual_days": 14.2}],
    )
    assert contradiction_text(overdue) == (
        "Why “Champions” and a churn warning at once: the segment ranks this customer against "
        "the others, most of whom buy less often; the warning compares them with their own "
        "habit. They usually buy every 14 days but have not bought for 121 days. Call them soon."
    )
    # Nothing to explain: no warning, or a segment that already says "at risk".
    assert contradiction_text(_loyal_overdue(churn_reasons=[])) is None
    assert contradiction_text(_loyal_overdue(rfm_segment="at_risk")) is None


def test_the_value_panel_and_the_call_list_explain_it(people: Any) -> None:
    contact = contact_create(actor=people.owner, name="老顾客")
    scores_refresh(actor=people.admin, as_of=AS_OF)
    CustomerScore.objects.filter(contact=contact).update(
        **{
            name: value
            for name, value in vars(_loyal_overdue()).items()
            if name in {f.attname for f in CustomerScore._meta.concrete_fields}
            and name not in {"id", "contact_id", "org_id", "refreshed_at"}
        }
    )
    client = _client(people.owner)
    panel = client.get(f"/contacts/{contact.public_id}/", **ENGLISH).content.decode()
    assert LOYAL_EXPLANATION.replace("“", "&ldquo;") in panel or LOYAL_EXPLANATION in panel
    assert "Value group" not in panel  # no value group without the lifetime-value model
    page = client.get("/analytics/", **ENGLISH)
    assert [row.explanation for row in page.context["churn"].rows] == [LOYAL_EXPLANATION]
