"""The refresh as a whole: scores written per customer, movement between refreshes, failures that
keep the previous scores, follow-up tasks once a month, and who sees what."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from guanxi.analytics import services as _services  # noqa: F401 - the package is patched below
from guanxi.analytics.models import ChurnFollowUp, ScoreRefresh
from guanxi.analytics.services import refresh as refresh_module
from guanxi.analytics.services.refresh import scores_refresh
from guanxi.commerce.rows import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from guanxi.commerce.services.imports import orders_import
from guanxi.core.errors import PermissionDeniedError
from guanxi.customers.models import Activity, CustomerScore
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.tabular import Table

pytestmark = pytest.mark.usefixtures("english")

AS_OF = datetime.date(2026, 3, 1)


def add_orders(actor: Any, rows: list[tuple[str, str, str, str]]) -> None:
    table = Table(
        columns=[*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS],
        rows=iter(
            enumerate(
                (
                    {"order_id": o, "customer_id": c, "ordered_at": d, "amount": a}
                    for o, c, d, a in rows
                ),
                start=1,
            )
        ),
        total_rows=len(rows),
    )
    report = orders_import(actor=actor, table=table)
    assert report.error_count == 0, report.errors


@pytest.fixture
def shop(people: Any) -> dict[str, Any]:
    """Three customers of the owner's: a regular gone quiet, a one-time buyer, a prospect."""
    regular = contact_create(actor=people.owner, name="张伟", external_id="C1")
    once = contact_create(actor=people.owner, name="李娜", external_id="C2", visibility="owner")
    prospect = contact_create(actor=people.owner, name="王芳", external_id="C3")
    add_orders(
        people.admin,
        [
            ("O-1", "C1", "2026-01-01", "100"),
            ("O-2", "C1", "2026-01-08", "60"),
            ("O-3", "C1", "2026-01-08", "40"),
            ("O-4", "C2", "2026-02-20", "300"),
        ],
    )
    return {"regular": regular, "once": once, "prospect": prospect}


def test_scores_without_enough_data_for_lifetime_value(people: Any, shop: dict[str, Any]) -> None:
    refresh = scores_refresh(actor=people.admin, as_of=AS_OF)
    assert refresh.status == "finished"
    assert (refresh.customers, refresh.buyers) == (3, 2)
    assert refresh.bgnbd is None
    assert refresh.messages == [
        {
            "code": "too_few_buyers",
            "text": "Only 2 customers have purchases; lifetime value needs at least 20.",
            "count": 2,
            "needed": 20,
        }
    ]
    from django.utils import translation

    from guanxi.analytics.explain import fit_message_text

    with translation.override("zh-hans"):
        assert (
            fit_message_text(refresh.messages[0])
            == "只有 2 位客户有购买记录；计算终生价值至少需要 20 位。"
        )
    regular = CustomerScore.objects.get(contact=shop["regular"])
    assert (regular.purchase_days, regular.orders) == (2, 3)
    assert str(regular.historical_value) == "200.00"
    assert str(regular.average_order_value) == "66.67"
    assert regular.recency_days == 52
    assert regular.first_purchase_on == datetime.date(2026, 1, 1)
    # Two buyers rank 1 and 3 (1 + 5 * rank // 2): the regular is less recent, more frequent.
    assert (regular.rfm_recency, regular.rfm_frequency, regular.rfm_monetary) == (1, 3, 1)
    assert regular.rfm_segment == "at_risk"
    assert regular.clv is None and regular.p_alive is None and regular.value_quadrant == ""
    assert regular.grid_cell == "D"  # order value 66.67 below the median 183.33, bought on 2 days
    assert regular.churn_reasons == [{"code": "overdue", "days": 52, "usual_days": 7.0}]
    once = CustomerScore.objects.get(contact=shop["once"])
    assert (once.rfm_recency, once.rfm_frequency, once.rfm_monetary) == (3, 1, 3)
    assert once.rfm_segment == "about_to_sleep"
    assert once.grid_cell == "C" and once.churn_reasons == []
    prospect = CustomerScore.objects.get(contact=shop["prospect"])
    assert (prospect.grid_cell, prospect.purchase_days, prospect.rfm_segment) == ("A", 0, "")
    assert refresh.grid == {"A": 1, "B": 0, "C": 1, "D": 1, "E": 0}


def test_orders_after_the_analysis_date_are_ignored(people: Any, shop: dict[str, Any]) -> None:
    add_orders(people.admin, [("O-9", "C3", "2026-03-02", "10")])
    scores_refresh(actor=people.admin, as_of=AS_OF)
    assert CustomerScore.objects.get(contact=shop["prospect"]).grid_cell == "A"


def test_movement_between_refreshes(people: Any, shop: dict[str, Any]) -> None:
    scores_refresh(actor=people.admin, as_of=AS_OF)
    add_orders(
        people.admin,
        [(f"O-{day}", "C3", f"2026-03-0{day}", "500") for day in (5, 6, 7)],
    )
    second = scores_refresh(actor=people.admin, as_of=datetime.date(2026, 3, 10))
    prospect = CustomerScore.objects.get(contact=shop["prospect"])
    assert (prospect.previous_grid_cell, prospect.grid_cell) == ("A", "E")
    # New medians: order value 300, purchase days 2; only the newcomer is above both.
    assert second.grid_movement == {"A->E": 1, "C->B": 1, "D->B": 1}


def test_a_failed_refresh_keeps_the_previous_scores(
    people: Any, shop: dict[str, Any], monkeypatch: Any
) -> None:
    first = scores_refresh(actor=people.admin, as_of=AS_OF)
    before = list(CustomerScore.objects.order_by("pk").values_list("pk", "as_of", "grid_cell"))
    real_rows = refresh_module._rows

    def broken_rows(*args: Any, **kwargs: Any) -> Any:
        rows = real_rows(*args, **kwargs)
        yield next(rows)
        raise OSError("the disk is full")

    monkeypatch.setattr(refresh_module, "_rows", broken_rows)
    with pytest.raises(OSError, match="disk is full"):
        scores_refresh(actor=people.admin, as_of=datetime.date(2026, 3, 20))
    assert (
        list(CustomerScore.objects.order_by("pk").values_list("pk", "as_of", "grid_cell")) == before
    )
    failed = ScoreRefresh.objects.latest("id")
    assert failed.status == "failed" and failed.error == "OSError: the disk is full"
    from guanxi.platform.models import AuditEvent

    event = AuditEvent.objects.get(verb="analytics.scores.refresh_failed")
    assert event.target_id == failed.pk and event.changes["error"] == "OSError: the disk is full"
    from guanxi.analytics.report import latest_refresh

    assert latest_refresh(people.org.pk) == first


def test_follow_up_tasks_once_per_customer_and_month(people: Any, shop: dict[str, Any]) -> None:
    scores_refresh(actor=people.admin, as_of=AS_OF, follow_up_tasks=True)
    tasks = list(Activity.objects.filter(kind="task"))
    assert len(tasks) == 1
    task = tasks[0]
    assert task.contact_id == shop["regular"].pk and task.assignee_id == people.owner.pk
    assert task.subject == "Churn warning: get in touch with 张伟"
    assert task.body == "- No purchase for 52 days, while this customer usually buys every 7 days."
    scores_refresh(actor=people.admin, as_of=datetime.date(2026, 3, 15), follow_up_tasks=True)
    assert Activity.objects.filter(kind="task").count() == 1
    scores_refresh(actor=people.admin, as_of=datetime.date(2026, 4, 2), follow_up_tasks=True)
    assert Activity.objects.filter(kind="task").count() == 2
    assert sorted(ChurnFollowUp.objects.values_list("period", flat=True)) == ["2026-03", "2026-04"]


def test_only_managers_and_administrators_refresh(people: Any, shop: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        scores_refresh(actor=people.owner, as_of=AS_OF)
    assert not ScoreRefresh.objects.exists()
    assert scores_refresh(actor=people.manager, as_of=AS_OF).status == "finished"


def test_scores_api_shows_only_visible_customers(
    people: Any, shop: dict[str, Any], api_for: Any
) -> None:
    scores_refresh(actor=people.admin, as_of=AS_OF)

    def names(user: Any, **params: Any) -> list[str]:
        items = api_for(user).get("/api/v1/scores", params).json()["items"]
        return sorted(item["customer_name"] for item in items)

    assert names(people.owner) == ["张伟", "李娜", "王芳"]
    assert names(people.outsider) == ["张伟", "王芳"]  # 李娜 is visible to her owner only
    assert names(people.owner, grid_cell="C") == ["李娜"]
    assert names(people.owner, at_risk=True) == ["张伟"]
    assert names(people.owner, at_risk=False) == ["李娜", "王芳"]
    one = api_for(people.owner).get("/api/v1/scores", {"customer": str(shop["regular"].public_id)})
    item = one.json()["items"][0]
    assert (item["rfm"], item["grid_cell"], item["historical_value"]) == ("131", "D", "200.00")
    assert (
        api_for(people.outsider)
        .get("/api/v1/scores", {"customer": str(shop["once"].public_id)})
        .json()["items"]
        == []
    )
    assert api_for(None).get("/api/v1/scores").status_code == 401
    assert api_for(people.owner).get("/api/v1/scores", {"grid_cell": "Z"}).status_code == 422


def test_report_api_for_managers_only(people: Any, shop: dict[str, Any], api_for: Any) -> None:
    assert api_for(people.manager).get("/api/v1/analytics/report").status_code == 404
    scores_refresh(actor=people.admin, as_of=AS_OF)
    report = api_for(people.manager).get("/api/v1/analytics/report").json()
    assert (report["as_of"], report["customers"], report["time_unit"]) == ("2026-03-01", 3, "weeks")
    assert api_for(people.owner).get("/api/v1/analytics/report").status_code == 403
    assert api_for(None).get("/api/v1/analytics/report").status_code == 401


def test_refresh_through_the_api_is_queued(
    people: Any, shop: dict[str, Any], api_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(people.manager).post(
            "/api/v1/analytics/refresh", {"as_of": "2026-03-01"}
        )
    assert response.status_code == 202
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "guanxi.analytics.tasks.refresh_customer_scores"
    assert queued.args_kwargs["args"] == [people.org.pk, "2026-03-01"]
    assert api_for(people.owner).post("/api/v1/analytics/refresh", {}).status_code == 403


def test_360_page_explains_the_scores(people: Any, shop: dict[str, Any]) -> None:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(people.owner)
    page = client.get(f"/contacts/{shop['regular'].public_id}/").content.decode()
    assert "Not computed yet" in page
    scores_refresh(actor=people.admin, as_of=AS_OF)
    page = client.get(f"/contacts/{shop['regular'].public_id}/").content.decode()
    assert '<section class="card panel panel-customer-value">' in page
    assert (
        "Bought on 2 day(s), 3 order(s) in all, for 200.00; last purchase 52 days before 2026-03-01."
        in page
    )
    assert "RFM 1-3-1 (5 is best): At risk." in page
    assert "No purchase for 52 days, while this customer usually buys every 7 days." in page
    assert '<section class="card panel panel-orders">' in page
    assert "2 completed orders" not in page and "3 completed orders, ¥200.00 in all." in page
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.get(f"/contacts/{shop['once'].public_id}/").status_code == 404


def test_contact_list_filters_by_scores(people: Any, shop: dict[str, Any]) -> None:
    scores_refresh(actor=people.admin, as_of=AS_OF)
    client = Client()
    client.force_login(people.owner)
    page = client.get("/contacts/", {"segment": "at_risk"}).content.decode()
    assert "张伟" in page and "李娜" not in page and "王芳" not in page
    page = client.get("/contacts/", {"grid_cell": "A"}).content.decode()
    assert "王芳" in page and "张伟" not in page
    page = client.get("/contacts/", {"grid_cell": "Z"}).content.decode()  # ignored, not an error
    assert "王芳" in page and "张伟" in page


def test_at_risk_list_is_ranked_with_reasons_in_words(
    people: Any, shop: dict[str, Any], api_for: Any
) -> None:
    add_orders(
        people.admin,
        [("O-7", "C3", "2025-10-01", "50"), ("O-8", "C3", "2025-10-11", "50")],
    )
    scores_refresh(actor=people.admin, as_of=AS_OF)
    english = {"Accept-Language": "en"}
    items = api_for(people.owner).get("/api/v1/scores/at-risk", **english).json()
    assert [(i["customer_name"], i["reasons_text"]) for i in items] == [
        ("张伟", ["No purchase for 52 days, while this customer usually buys every 7 days."]),
        ("王芳", ["No purchase for 141 days, while this customer usually buys every 10 days."]),
    ]
    assert (
        api_for(people.owner).get("/api/v1/scores/at-risk", {"limit": 1}).json()[0]["customer_name"]
        == "张伟"
    )


def test_refresh_without_any_order(people: Any) -> None:
    contact_create(actor=people.owner, name="刘洋")
    refresh = scores_refresh(actor=people.admin, as_of=AS_OF)
    assert (refresh.status, refresh.customers, refresh.buyers) == ("finished", 1, 0)
    assert [m["text"] for m in refresh.messages] == [
        "Only 0 customers have purchases; lifetime value needs at least 20."
    ]
    assert refresh.grid == {"A": 1, "B": 0, "C": 0, "D": 0, "E": 0}
    assert CustomerScore.objects.get().grid_cell == "A"


def test_deleted_customers_are_left_out(people: Any, shop: dict[str, Any]) -> None:
    from guanxi.customers.services.contacts import contact_delete

    contact_delete(actor=people.owner, contact=shop["once"])
    refresh = scores_refresh(actor=people.admin, as_of=AS_OF)
    assert (refresh.customers, refresh.buyers) == (2, 1)
    assert not CustomerScore.objects.filter(contact=shop["once"]).exists()
    assert CustomerScore.objects.get(contact=shop["regular"]).rfm_recency == 1
