"""The CDNOW sample, imported as orders through `guanxi import orders`, reproduces the published
BG/NBD and Gamma-Gamma figures (Fader, Hardie & Lee 2005) through `guanxi analytics refresh`."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command

from guanxi.analytics.scoring import model_inputs
from guanxi.analytics.statistics import bgnbd
from guanxi.analytics.statistics.bgnbd import BgNbdParams
from guanxi.analytics.summary import purchase_summary
from guanxi.commerce.models import Order
from guanxi.customers.models import Contact, CustomerScore
from tests.cdnow import CALIBRATION_END, published_summary, write_order_file


def within(value: float, expected: float, share: float) -> bool:
    return abs(value - expected) <= abs(expected) * share


@pytest.fixture
def cdnow(people: Any, tmp_path: Any) -> Any:
    out = io.StringIO()
    call_command(
        "import",
        "orders",
        str(write_order_file(tmp_path / "cdnow.csv")),
        "--create-customers",
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def test_import_creates_every_customer_and_order(cdnow: str, people: Any) -> None:
    assert Order.objects.count() == 6919
    assert Contact.objects.filter(org=people.org).exclude(external_id="").count() == 2357
    assert "orders created: 6,919" in cdnow
    assert "customers created: 2,357" in cdnow


def test_summary_matches_the_published_calibration_summary(cdnow: str, people: Any) -> None:
    import datetime

    as_of = datetime.date(1997, 9, 30)
    summary = purchase_summary(people.org.pk, as_of=as_of, recent_from=datetime.date(1996, 9, 30))
    x, t_x, big_t, zbar = model_inputs(summary, as_of)
    ids = dict(Contact.objects.values_list("pk", "external_id"))
    buyer_ids = summary.contact_id[summary.buyers]
    mine = {ids[int(c)]: (int(x[i]), t_x[i], big_t[i], zbar[i]) for i, c in enumerate(buyer_ids)}
    published = published_summary()
    assert len(mine) == len(published) == 2357
    for key, (px, pt_x, pbig_t, pzbar) in published.items():
        mx, mt_x, mbig_t, mzbar = mine[key]
        assert mx == px
        assert round(mt_x, 2) == pt_x and round(mbig_t, 2) == pbig_t
        assert abs(mzbar - pzbar) <= 0.005 + 1e-9  # the file rounds to cents


def test_refresh_reproduces_the_published_parameters(cdnow: str, people: Any) -> None:
    call_command(
        "analytics",
        "refresh",
        "--as-of",
        CALIBRATION_END,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    out = io.StringIO()
    call_command("analytics", "report", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["as_of"] == CALIBRATION_END
    assert report["time_unit"] == "weeks"
    assert report["customers"] == 2357
    fit = report["bgnbd"]
    assert within(fit["r"], 0.243, 0.005)
    assert within(fit["alpha"], 4.414, 0.005)
    assert within(fit["a"], 0.793, 0.005)
    assert within(fit["b"], 2.426, 0.005)
    assert within(fit["log_likelihood"], -9582.4, 0.005)
    spend = report["gamma_gamma"]
    assert within(spend["p"], 6.25, 0.01)
    assert within(spend["q"], 3.74, 0.01)
    assert within(spend["gamma"], 15.44, 0.01)
    params = BgNbdParams(fit["r"], fit["alpha"], fit["a"], fit["b"], fit["log_likelihood"])
    expected = bgnbd.expected_purchases(
        params, 39.0, np.array([2.0]), np.array([30.43]), np.array([38.86])
    )
    assert round(float(expected[0]), 3) == 1.226
    assert sum(report["segments"].values()) == 2357
    assert (
        sum(
            q["customers"]
            for q in report["value_matrix"].values()
            if isinstance(q, dict) and "customers" in q
        )
        == 2357
    )
    assert CustomerScore.objects.filter(org=people.org).count() == 2357
