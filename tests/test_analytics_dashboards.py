"""The analytics dashboards: selectors with exact figures on a small shop, filters, who sees what,
the page and its CSV exports.

The shop: eight customers, seven of whom bought in the first half of 2025 in two stores (静安 and
浦东 are "Jingan" and "Pudong" here) through two channels; one refused and one refunded order that
must not count. Scores are computed twice (end of March, end of June) so that some customers move
between grid cells. 张伟 (C03) is private to the owner and 陈静 (C05) is shared with the owner's
team only, so the outsider, in another team, sees six customers and the teammate seven.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from guanxi.analytics import selectors
from guanxi.analytics.selectors import NO_FILTER, Bucket, DashboardFilter
from guanxi.analytics.services.refresh import SCORE_COLUMNS, scores_refresh
from guanxi.customers.models import Contact, CustomerScore
from guanxi.customers.services.contacts import contact_create
from guanxi.customers.services.scores import customer_scores_replace

pytestmark = pytest.mark.usefixtures("english")

ORDERS = """order_id,customer_id,ordered_at,amount,store,channel,status
o01,C01,2025-01-10,100,Jingan,shop,
o02,C01,2025-02-12,200,Jingan,shop,
o03,C01,2025-03-15,150,Pudong,online,
o04,C01,2025-06-20,300,Jingan,shop,
o05,C02,2025-01-20,50,Jingan,shop,
o06,C02,2025-04-05,60,Jingan,shop,
o07,C02,2025-06-10,70,Jingan,shop,cancelled
o08,C03,2025-02-03,500,Pudong,online,
o09,C03,2025-02-25,400,Pudong,online,
o10,C03,2025-05-30,450,Pudong,online,
o11,C04,2025-03-01,80,Jingan,shop,
o12,C05,2025-03-10,120,Pudong,shop,
o13,C05,2025-06-01,90,Pudong,shop,
o14,C06,2025-01-05,30,Pudong,online,
o15,C07,2025-04-18,1000,Jingan,online,
o16,C07,2025-05-02,200,Jingan,online,refunded
"""
AS_OF = datetime.date(2025, 6, 30)
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
BOM = "\ufeff"


@pytest.fixture
def shop(people: Any, tmp_path: Any) -> dict[str, Contact]:
    customers = [
        ("C01", "王芳", people.owner, "org"),
        ("C02", "李娜", people.owner, "org"),
        ("C03", "张伟", people.owner, "owner"),
        ("C04", "刘洋", people.teammate, "org"),
        ("C05", "陈静", people.owner, "team"),
        ("C06", "赵磊", people.outsider, "org"),
        ("C07", "周敏", people.owner, "org"),
        ("C08", "吴强", people.owner, "org"),
    ]
    contacts = {
        key: contact_create(actor=owner, name=name, external_id=key, visibility=visibility)
        for key, name, owner, visibility in customers
    }
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    call_command(
        "import", "orders", str(path), "--as", "admin", stdout=io.StringIO(), stderr=io.StringIO()
    )
    scores_refresh(actor=people.admin, as_of=datetime.date(2025, 3, 31))
    scores_refresh(actor=people.admin, as_of=AS_OF)
    return contacts


def _segments(user: Any, selected: DashboardFilter = NO_FILTER) -> dict[str, int]:
    return {
        s.key: s.customers for s in selectors.segment_distribution(user, selected) if s.customers
    }


def _revenue(user: Any, selected: DashboardFilter = NO_FILTER) -> list[tuple[Any, ...]]:
    return [
        (r.key, r.currency, r.revenue, r.orders, r.customers)
        for r in selectors.revenue_by_segment(user, selected)
    ]


def _cohorts(user: Any, selected: DashboardFilter = NO_FILTER) -> list[tuple[Any, ...]]:
    return [
        (c.month.isoformat(), c.customers, [b for b in c.buyers if b is not None])
        for c in selectors.cohort_retention(user, selected)
    ]


# Selectors over the refreshed scores.


def test_segments_grid_and_customers_in_view(shop: Any, people: Any) -> None:
    admin = people.admin
    assert selectors.customer_count(admin, NO_FILTER) == 8
    assert _segments(admin) == {
        "champions": 1,
        "loyal": 1,
        "potential_loyalist": 1,
        "about_to_sleep": 1,
        "at_risk": 1,
        "hibernating": 2,
    }
    segments = selectors.segment_distribution(admin, NO_FILTER)
    assert [s.key for s in segments][:3] == ["champions", "loyal", "potential_loyalist"]
    assert len(segments) == 10 and sum(s.customers for s in segments) == 7  # C08 never bought
    grid = selectors.grid(admin, NO_FILTER)
    assert [(c.key, c.customers) for c in grid.cells] == [
        ("A", 1),
        ("B", 4),
        ("C", 1),
        ("D", 0),
        ("E", 2),
    ]
    # 周敏 had not bought by the end of March (A), then bought big once (C); 陈静 bought once
    # big by March (C) and once small since (B).
    assert [(m.before, m.after, m.customers) for m in grid.moves] == [("A", "C", 1), ("C", "B", 1)]


def test_revenue_by_segment_sums_completed_orders_only(shop: Any, people: Any) -> None:
    assert _revenue(people.admin) == [
        ("champions", "CNY", Decimal("750.00"), 4, 1),
        ("loyal", "CNY", Decimal("1350.00"), 3, 1),
        ("potential_loyalist", "CNY", Decimal("210.00"), 2, 1),
        ("about_to_sleep", "CNY", Decimal("1000.00"), 1, 1),  # the refunded 200 is left out
        ("at_risk", "CNY", Decimal("110.00"), 2, 1),  # the cancelled 70 is left out
        ("hibernating", "CNY", Decimal("110.00"), 2, 2),
    ]


def test_cohort_retention_by_first_purchase_month(shop: Any, people: Any) -> None:
    cohorts = selectors.cohort_retention(people.admin, NO_FILTER)
    # January: 王芳 (Jan, Feb, Mar, Jun), 李娜 (Jan, Apr), 赵磊 (Jan). Data ends in June (+5).
    assert cohorts[0].month == datetime.date(2025, 1, 1)
    assert cohorts[0].customers == 3
    assert cohorts[0].buyers == [3, 1, 1, 1, 0, 1, None, None, None, None, None, None]
    assert cohorts[0].shares[:6] == [1.0, 1 / 3, 1 / 3, 1 / 3, 0.0, 1 / 3]
    assert cohorts[0].shares[6:] == [None] * 6
    assert _cohorts(people.admin) == [
        ("2025-01-01", 3, [3, 1, 1, 1, 0, 1]),
        ("2025-02-01", 1, [1, 0, 0, 1, 0]),  # 张伟: Feb, May
        ("2025-03-01", 2, [2, 0, 0, 1]),  # 刘洋 Mar; 陈静 Mar, Jun
        ("2025-04-01", 1, [1, 0, 0]),  # 周敏: Apr (the refunded May order does not count)
    ]
    assert len(selectors.cohort_retention(people.admin, NO_FILTER, cohorts=2)) == 2
    latest = selectors.cohort_retention(people.admin, NO_FILTER, cohorts=2, months=3)
    assert [(c.month.month, c.buyers) for c in latest] == [(3, [2, 0, 0]), (4, [1, 0, 0])]


def test_filters_restrict_customers_and_the_orders_counted(shop: Any, people: Any) -> None:
    admin = people.admin
    pudong_spring = DashboardFilter(
        store="Pudong", start=datetime.date(2025, 2, 1), end=datetime.date(2025, 5, 31)
    )
    # 王芳 (one Pudong order in March), 张伟 and 陈静; 赵磊's Pudong order was in January.
    assert selectors.customer_count(admin, pudong_spring) == 3
    assert _segments(admin, pudong_spring) == {
        "champions": 1,
        "loyal": 1,
        "potential_loyalist": 1,
    }
    assert _revenue(admin, pudong_spring) == [
        ("champions", "CNY", Decimal("150.00"), 1, 1),
        ("loyal", "CNY", Decimal("1350.00"), 3, 1),
        ("potential_loyalist", "CNY", Decimal("120.00"), 1, 1),
    ]
    # Cohorts by the first Pudong order ever: 赵磊 (January) is before the period; the months
    # after May are not counted.
    assert _cohorts(admin, pudong_spring) == [
        ("2025-02-01", 1, [1, 0, 0, 1]),
        ("2025-03-01", 2, [2, 0, 0]),
    ]
    shop_channel = DashboardFilter(channel="shop")
    assert selectors.customer_count(admin, shop_channel) == 4  # 王芳, 李娜, 刘洋, 陈静
    assert sum(r.revenue for r in selectors.revenue_by_segment(admin, shop_channel)) == Decimal(
        "1000.00"
    )
    since_april = DashboardFilter(start=datetime.date(2025, 4, 1))
    assert selectors.customer_count(admin, since_april) == 5  # 王芳, 李娜, 张伟, 陈静, 周敏
    assert [(c.key, c.customers) for c in selectors.grid(admin, since_april).cells] == [
        ("A", 0),
        ("B", 2),
        ("C", 1),
        ("D", 0),
        ("E", 2),
    ]
    assert _revenue(admin, since_april) == [
        ("champions", "CNY", Decimal("300.00"), 1, 1),
        ("loyal", "CNY", Decimal("450.00"), 1, 1),
        ("potential_loyalist", "CNY", Decimal("90.00"), 1, 1),
        ("about_to_sleep", "CNY", Decimal("1000.00"), 1, 1),
        ("at_risk", "CNY", Decimal("60.00"), 1, 1),
    ]
    nothing = DashboardFilter(store="Pudong", channel="shop", end=datetime.date(2025, 2, 28))
    assert selectors.customer_count(admin, nothing) == 0
    assert selectors.revenue_by_segment(admin, nothing) == []
    assert selectors.cohort_retention(admin, nothing) == []
    assert selectors.filter_choices(admin) == selectors.FilterChoices(
        stores=["Jingan", "Pudong"], channels=["online", "shop"]
    )


def test_aggregates_cover_only_the_customers_a_user_may_see(shop: Any, people: Any) -> None:
    assert selectors.customer_count(people.owner, NO_FILTER) == 8
    assert selectors.customer_count(people.teammate, NO_FILTER) == 7  # not 张伟 (private)
    outsider = people.outsider
    assert selectors.customer_count(outsider, NO_FILTER) == 6  # neither 张伟 nor 陈静
    assert _segments(outsider) == {
        "champions": 1,
        "about_to_sleep": 1,
        "at_risk": 1,
        "hibernating": 2,
    }
    assert [(c.key, c.customers) for c in selectors.grid(outsider, NO_FILTER).cells] == [
        ("A", 1),
        ("B", 3),
        ("C", 1),
        ("D", 0),
        ("E", 1),
    ]
    assert [(m.before, m.after) for m in selectors.grid(outsider, NO_FILTER).moves] == [("A", "C")]
    assert [key for key, *_rest in _revenue(outsider)] == [
        "champions",
        "about_to_sleep",
        "at_risk",
        "hibernating",
    ]
    assert _cohorts(outsider) == [
        ("2025-01-01", 3, [3, 1, 1, 1, 0, 1]),
        ("2025-03-01", 1, [1, 0, 0, 0]),
        ("2025-04-01", 1, [1, 0, 0]),
    ]
    pudong = DashboardFilter(store="Pudong")
    assert selectors.customer_count(outsider, pudong) == 2  # 王芳 and 赵磊


# Value matrix, lifetime value and churn need the lifetime-value model, which wants at least 20
# buyers; for exact figures these tests write hand-chosen scores through the same service the
# refresh uses.

HAND_SCORES: dict[str, dict[str, Any]] = {
    "C01": {
        "clv": 900,
        "current_value": 750,
        "potential_value": 150,
        "value_quadrant": "strategic",
    },
    "C02": {
        "clv": 120,
        "current_value": 110,
        "potential_value": 10,
        "value_quadrant": "ordinary",
        "churn_risk": 0.7,
        "churn_reasons": [{"code": "overdue", "days": 86, "usual_days": 30.0}],
    },
    "C03": {
        "clv": 2000,
        "current_value": 1350,
        "potential_value": 650,
        "value_quadrant": "strategic",
        "churn_risk": 0.8,
        "p_alive": 0.2,
        "churn_reasons": [{"code": "p_alive_low", "p_alive": 0.2}],
    },
    "C04": {
        "clv": 60,
        "current_value": 0,
        "potential_value": 60,
        "value_quadrant": "risk",
        "churn_risk": 0.9,  # the highest risk, but no warning: not on the list
    },
    "C05": {
        "clv": 400,
        "current_value": 210,
        "potential_value": 190,
        "value_quadrant": "profitable",
    },
    "C06": {
        "clv": 45,
        "current_value": 0,
        "potential_value": 45,
        "value_quadrant": "risk",
        "churn_risk": 0.8,
        "p_alive": 0.2,
        "churn_reasons": [{"code": "p_alive_low", "p_alive": 0.2}],
    },
    "C07": {
        "clv": 1500,
        "current_value": 1000,
        "potential_value": 500,
        "value_quadrant": "strategic",
    },
}


@pytest.fixture
def hand_scored(shop: dict[str, Contact], people: Any) -> dict[str, Contact]:
    by_contact = {contact.pk: key for key, contact in shop.items()}
    rows = []
    for row in CustomerScore.objects.order_by("contact_id").values(*SCORE_COLUMNS):
        chosen = HAND_SCORES.get(by_contact[row["contact_id"]], {})
        row.update(churn_risk=0.0, churn_reasons=[], clv=None, potential_value=None)
        row.update(chosen)
        row["churn_reasons"] = json.dumps(row["churn_reasons"])
        rows.append([row[column] for column in SCORE_COLUMNS])
    customer_scores_replace(org_id=people.org.pk, columns=SCORE_COLUMNS, rows=rows)
    return shop


def test_value_matrix_counts_and_an_even_sample_of_points(hand_scored: Any, people: Any) -> None:
    matrix = selectors.value_matrix(people.admin, NO_FILTER)
    assert [(q.key, q.customers) for q in matrix.quadrants] == [
        ("strategic", 3),
        ("profitable", 1),
        ("risk", 2),
        ("ordinary", 1),
    ]
    assert matrix.quadrants[0].strategy.startswith("High value now and high potential")
    assert matrix.points == [
        (750.0, 150.0, "strategic"),
        (110.0, 10.0, "ordinary"),
        (1350.0, 650.0, "strategic"),
        (0.0, 60.0, "risk"),
        (210.0, 190.0, "profitable"),
        (0.0, 45.0, "risk"),
        (1000.0, 500.0, "strategic"),
    ]
    assert not matrix.sampled
    sample = selectors.value_matrix(people.admin, NO_FILTER, max_points=3)
    assert sample.sampled
    assert sample.points == [
        (750.0, 150.0, "strategic"),
        (0.0, 60.0, "risk"),
        (1000.0, 500.0, "strategic"),
    ]
    assert sample == selectors.value_matrix(people.admin, NO_FILTER, max_points=3)
    outsider = selectors.value_matrix(people.outsider, NO_FILTER)
    assert [(q.key, q.customers) for q in outsider.quadrants] == [
        ("strategic", 2),
        ("profitable", 0),
        ("risk", 2),
        ("ordinary", 1),
    ]


def test_lifetime_value_histogram(hand_scored: Any, people: Any) -> None:
    # Seven values (45, 60, 120, 400, 900, 1500, 2000); the 95th percentile is 2000, so nine
    # equal ranges of 2000 / 9 rounded up to 250, and the tail from 2250.
    buckets = selectors.clv_histogram(people.admin, NO_FILTER)
    assert [(b.low, b.high, b.customers) for b in buckets] == [
        (Decimal(0), Decimal(250), 3),
        (Decimal(250), Decimal(500), 1),
        (Decimal(500), Decimal(750), 0),
        (Decimal(750), Decimal(1000), 1),
        (Decimal(1000), Decimal(1250), 0),
        (Decimal(1250), Decimal(1500), 0),
        (Decimal(1500), Decimal(1750), 1),
        (Decimal(1750), Decimal(2000), 0),
        (Decimal(2000), Decimal(2250), 1),
        (Decimal(2250), None, 0),
    ]
    assert selectors.clv_histogram(people.admin, NO_FILTER, buckets=4) == [
        Bucket(Decimal(0), Decimal(1000), 5),
        Bucket(Decimal(1000), Decimal(2000), 1),
        Bucket(Decimal(2000), Decimal(3000), 1),
        Bucket(Decimal(3000), None, 0),
    ]
    # The outsider's values: 45, 60, 120, 900, 1500.
    outsider = selectors.clv_histogram(people.outsider, NO_FILTER, buckets=4)
    assert [(b.low, b.customers) for b in outsider] == [
        (Decimal(0), 3),
        (Decimal(500), 1),
        (Decimal(1000), 0),
        (Decimal(1500), 1),
    ]


def test_churn_list_riskiest_then_most_valuable(hand_scored: Any, people: Any) -> None:
    rows = selectors.churn_risks(people.admin, NO_FILTER)
    assert [(r.name, r.churn_risk, r.historical_value) for r in rows] == [
        ("张伟", 0.8, Decimal("1350.00")),
        ("赵磊", 0.8, Decimal("30.00")),
        ("李娜", 0.7, Decimal("110.00")),
    ]
    assert rows[0].contact_public_id == hand_scored["C03"].public_id
    assert rows[0].reasons == ["Only a 20% chance that this customer is still buying from us."]
    assert rows[2].reasons == [
        "No purchase for 86 days, while this customer usually buys every 30 days."
    ]
    assert [r.name for r in selectors.churn_risks(people.admin, NO_FILTER, limit=1)] == ["张伟"]
    assert [r.name for r in selectors.churn_risks(people.outsider, NO_FILTER)] == ["赵磊", "李娜"]
    jingan = DashboardFilter(store="Jingan")
    assert [r.name for r in selectors.churn_risks(people.admin, jingan)] == ["李娜"]


# The page.


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, shop: Any) -> None:
    for url in ("/analytics/", "/analytics/?export=segments"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_page_shows_the_charts_of_what_each_user_may_see(
    client: Any, shop: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(people.owner)
    with django_assert_max_num_queries(30):
        page = client.get("/analytics/", **ENGLISH)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Scores as of 2025-06-30" in html
    assert "8 customers in view." in html
    for chart in ("segments", "value_matrix", "clv", "cohorts", "revenue"):
        assert f'data-chart="{chart}"' in html
    for export in selectors_exports():
        assert f"export={export}" in html
    assert "A→C <strong>1</strong>" in html
    assert "echarts-6.1.0.min.js" in html and 'href="/analytics/"' in html  # in the top bar
    data = page.context["charts"]
    assert data["segments"]["labels"][0] == "Champions"
    assert data["segments"]["values"] == [1, 1, 1, 0, 0, 0, 1, 1, 0, 2]
    assert data["revenue"]["axis"] == "Revenue (CNY)"
    assert data["cohorts"]["rows"] == ["2025-01 (3)", "2025-02 (1)", "2025-03 (2)", "2025-04 (1)"]
    assert data["cohorts"]["cells"][:3] == [[0, 0, 100.0], [1, 0, 33.3], [2, 0, 33.3]]
    assert '<script id="analytics-data" type="application/json">' in html
    with django_assert_max_num_queries(8):  # the figures come from the cache the second time
        again = client.get("/analytics/", **ENGLISH)
    assert again.context["charts"] == data

    client.force_login(people.outsider)
    html = client.get("/analytics/", **ENGLISH).content.decode()
    assert "6 customers in view." in html
    client.force_login(people.teammate)
    html = client.get("/analytics/?store=Pudong", **ENGLISH).content.decode()
    assert "3 customers in view." in html  # 王芳, 陈静 (the team's), 赵磊; not 张伟 (private)
    assert 'value="Pudong" selected' in html


def selectors_exports() -> list[str]:
    from guanxi.workspace.dashboards import EXPORTS

    return list(EXPORTS)


def test_churn_table_links_to_each_customer(client: Any, hand_scored: Any, people: Any) -> None:
    client.force_login(people.owner)
    html = client.get("/analytics/", **ENGLISH).content.decode()
    assert f'href="/contacts/{hand_scored["C03"].public_id}/">张伟</a>' in html
    assert "Only a 20% chance that this customer is still buying from us." in html
    assert "High value now and high potential: build a close alliance" in html
    client.force_login(people.outsider)
    html = client.get("/analytics/", **ENGLISH).content.decode()
    assert "张伟" not in html and "赵磊" in html


def _csv(client: Any, query: str) -> str:
    response = client.get("/analytics/?" + query, **ENGLISH)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith(BOM)
    return text[1:]


def test_csv_exports(client: Any, hand_scored: Any, people: Any) -> None:
    client.force_login(people.owner)
    assert _csv(client, "export=segments") == (
        "Code,Segment,Customers\r\n"
        "champions,Champions,1\r\n"
        "loyal,Loyal customers,1\r\n"
        "potential_loyalist,Potential loyalists,1\r\n"
        "new,New customers,0\r\n"
        "promising,Promising,0\r\n"
        "need_attention,Need attention,0\r\n"
        "about_to_sleep,About to sleep,1\r\n"
        "at_risk,At risk,1\r\n"
        "cannot_lose,Can't lose them,0\r\n"
        "hibernating,Hibernating / lost,2\r\n"
    )
    assert _csv(client, "store=Pudong&start=2025-02-01&end=2025-05-31&export=revenue") == (
        "Code,Segment,Currency,Revenue,Orders,Customers\r\n"
        "champions,Champions,CNY,150.00,1,1\r\n"
        "loyal,Loyal customers,CNY,1350.00,3,1\r\n"
        "potential_loyalist,Potential loyalists,CNY,120.00,1,1\r\n"
    )
    assert _csv(client, "export=grid_movement") == (
        "From cell,To cell,Customers\r\nA,C,1\r\nC,B,1\r\n"
    )
    assert _csv(client, "export=grid").splitlines()[:3] == [
        "Cell,Description,Customers",
        "A,A: never purchased,1",
        'B,"B: low order value, rarely",4',
    ]
    months = ",".join(f"Month +{n} (%)" for n in range(12))
    assert _csv(client, "channel=online&export=cohorts") == (
        f"First purchase month,Customers,{months}\r\n"
        # The shop's latest order is in June: later months are not known yet, so they are blank.
        "2025-01,1,100.0,0.0,0.0,0.0,0.0,0.0,,,,,,\r\n"  # 赵磊
        "2025-02,1,100.0,0.0,0.0,100.0,0.0,,,,,,,\r\n"  # 张伟
        "2025-03,1,100.0,0.0,0.0,0.0,,,,,,,,\r\n"  # 王芳 (first online order)
        "2025-04,1,100.0,0.0,0.0,,,,,,,,,\r\n"  # 周敏
    )
    assert _csv(client, "export=value_matrix").splitlines()[:2] == [
        "Code,Value group,Customers,Strategy",
        "strategic,Strategic,3,High value now and high potential: build a close alliance with "
        "this customer.",
    ]
    assert _csv(client, "export=clv").splitlines()[:3] == [
        "Lifetime value from,Lifetime value below,Customers",
        "0.00,250.00,3",
        "250.00,500.00,1",
    ]
    assert _csv(client, "export=clv").splitlines()[-1] == "2250.00,,0"
    zhang, zhao, li = (hand_scored[key].public_id for key in ("C03", "C06", "C02"))
    assert _csv(client, "export=churn") == (
        "Customer ID,Customer,Phone,Owner,Last purchase,Churn risk (%),Chance still active (%),"
        "Historical value,Segment,Reasons\r\n"
        f"{zhang},张伟,,owner,2025-05-30,80.0,20.0,1350.00,Loyal customers,"
        "Only a 20% chance that this customer is still buying from us. Why “Loyal customers” "
        "and a churn warning at once: the segment ranks this customer against the others; the "
        "warning comes from the reasons listed with it. Call them soon.\r\n"
        f"{zhao},赵磊,,outsider,2025-01-05,80.0,20.0,30.00,Hibernating / lost,Only a 20% chance "
        "that this customer is still buying from us.\r\n"
        f"{li},李娜,,owner,2025-04-05,70.0,,110.00,At risk,"
        '"No purchase for 86 days, while this customer usually buys every 30 days."\r\n'
    )
    client.force_login(people.outsider)
    assert "张伟" not in _csv(client, "export=churn")
    assert _csv(client, "export=segments").splitlines()[2] == "loyal,Loyal customers,0"


def test_csv_quotes_text_that_a_spreadsheet_would_run(client: Any, shop: Any, people: Any) -> None:
    from guanxi.workspace.dashboards import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("王芳") == "王芳" and _cell(12) == 12


def test_a_filter_that_is_not_valid_says_why(client: Any, shop: Any, people: Any) -> None:
    client.force_login(people.owner)
    page = client.get("/analytics/?start=2025-05-01&end=2025-01-01&store=Nowhere", **ENGLISH)
    assert page.status_code == 200
    html = page.content.decode()
    assert "The period must end on or after the day it starts." in html
    assert "Select a valid choice. Nowhere is not one of the available choices." in html
    assert "Correct the filter above to see the charts." in html
    assert "analytics-data" not in html
    html = client.get("/analytics/?start=yesterday", **ENGLISH).content.decode()
    assert "Enter a valid date." in html
    refused = client.get("/analytics/?start=2025-05-01&end=2025-01-01&export=segments", **ENGLISH)
    assert refused.status_code == 400
    assert client.get("/analytics/?export=passwords", **ENGLISH).status_code == 400


def test_empty_state_before_the_first_refresh(client: Any, people: Any) -> None:
    client.force_login(people.owner)
    page = client.get("/analytics/", **ENGLISH)
    assert page.status_code == 200
    html = page.content.decode()
    assert "No customer scores yet" in html
    assert "guanxi analytics refresh" in html
    assert "analytics-data" not in html and "echarts" not in html
    assert client.get("/analytics/?export=segments", **ENGLISH).status_code == 400
    assert 'href="/orders/import/"' not in html  # a sales rep may not import orders
    client.force_login(people.manager)
    assert 'href="/orders/import/"' in client.get("/analytics/", **ENGLISH).content.decode()


def test_empty_charts_when_no_customer_matches(client: Any, shop: Any, people: Any) -> None:
    client.force_login(people.owner)
    page = client.get("/analytics/?store=Pudong&channel=shop&end=2025-02-28", **ENGLISH)
    html = page.content.decode()
    assert "0 customers in view." in html
    assert "No customer has a churn warning." in html
    assert page.context["charts"]["clv"]["values"] == []
    assert _csv(client, "store=Pudong&channel=shop&end=2025-02-28&export=revenue") == (
        "Code,Segment,Currency,Revenue,Orders,Customers\r\n"
    )
