"""The scoring rules on hand-computed examples: RFM quintiles and segments, the value matrix, the
A–E grid, churn reasons, and clear messages when the data cannot support a model."""

from __future__ import annotations

import numpy as np
import pytest

from guanxi.analytics.config import DEFAULT_SEGMENT_RULES, analysis_config
from guanxi.analytics.scoring import PreviousScores, churn_warnings
from guanxi.analytics.statistics import bgnbd, gamma_gamma, rfm, segments
from guanxi.analytics.statistics.errors import ModelFitError
from guanxi.analytics.summary import months_before


def test_rfm_scores_by_hand() -> None:
    ids = np.array([1, 2, 3, 4, 5])
    recency = np.array([10.0, 50.0, 5.0, 200.0, 50.0])
    frequency = np.array([1.0, 3.0, 2.0, 1.0, 5.0])
    monetary = np.array([100.0, 300.0, 150.0, 80.0, 500.0])
    r, f, m = rfm.rfm_scores(recency, frequency, monetary, ids)
    # Recency reversed; the tie at 50 days goes to the older customer (id 2) first.
    assert r.tolist() == [4, 2, 5, 1, 3]
    # Frequency tie at 1 purchase: id 1 before id 4.
    assert f.tolist() == [1, 4, 3, 2, 5]
    assert m.tolist() == [2, 4, 3, 1, 5]
    assert rfm.segments(r, f, DEFAULT_SEGMENT_RULES).tolist() == [
        "promising",
        "at_risk",
        "potential_loyalist",
        "hibernating",
        "loyal",
    ]


def test_quintiles_split_ten_customers_in_pairs() -> None:
    values = np.array([9.0, 1, 8, 2, 7, 3, 6, 4, 5, 0])
    scores = rfm.quintile_scores(values, np.arange(10))
    assert scores.tolist() == [5, 1, 5, 2, 4, 2, 4, 3, 3, 1]


def test_every_recency_and_frequency_pair_has_a_segment() -> None:
    r, f = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    names = rfm.segments(r.ravel(), f.ravel(), DEFAULT_SEGMENT_RULES)
    assert "" not in names.tolist()
    grid = dict(zip(zip(r.ravel().tolist(), f.ravel().tolist(), strict=True), names, strict=True))
    assert grid[(5, 5)] == "champions"
    assert grid[(5, 1)] == "new"
    assert grid[(1, 5)] == "cannot_lose"
    assert grid[(3, 3)] == "need_attention"
    assert grid[(3, 1)] == "about_to_sleep"
    assert grid[(1, 1)] == "hibernating"


def test_value_quadrants_at_their_boundaries() -> None:
    current = np.array([0.0, 10.0, 20.0, 30.0, 0.0])
    potential = np.array([5.0, 0.0, 50.0, 5.0, 50.0])
    assert segments.median_or(current, None) == 10.0
    assert segments.value_quadrants(current, potential, 10.0, 5.0).tolist() == [
        "ordinary",  # at or below both thresholds
        "ordinary",  # exactly at the current-value threshold counts as low
        "strategic",
        "profitable",
        "risk",  # low now, high potential
    ]


def test_grid_cells_and_their_boundaries() -> None:
    buyer = np.array([False, True, True, True, True, True, True])
    order_value = np.array([0.0, 10.0, 50.0, 10.0, 50.0, 20.0, 20.0])
    frequency = np.array([0.0, 1.0, 1.0, 5.0, 5.0, 1.0, 2.0])
    cells = segments.grid_cells(buyer, order_value, frequency, 20.0, 1.0)
    assert cells.tolist() == ["A", "B", "C", "D", "E", "B", "D"]


def test_churn_reasons() -> None:
    config = analysis_config()
    ids = np.array([1, 2, 3, 4])
    recency = np.array([200.0, 10.0, 10.0, 90.0])
    x = np.array([2.0, 3.0, 1.0, 2.0])
    t_x = np.array([4.0, 30.0, 2.0, 4.0])  # weeks: usual gaps 14, 70, 14, 14 days
    p_alive = np.array([0.3, 0.9, 0.6, 0.95])
    previous = PreviousScores(p_alive={3: 0.85, 2: 0.95})
    signals = {2: [{"code": "open_complaints", "count": 2}]}
    risk, reasons = churn_warnings(ids, recency, x, t_x, p_alive, previous, signals, config)
    assert np.allclose(risk, [0.7, 0.1, 0.4, 0.05])
    assert reasons == [
        [
            {"code": "p_alive_low", "p_alive": 0.3},
            {"code": "overdue", "days": 200, "usual_days": 14.0},
        ],
        [{"code": "open_complaints", "count": 2}],
        [{"code": "p_alive_dropped", "before": 0.85, "p_alive": 0.6}],
        [{"code": "overdue", "days": 90, "usual_days": 14.0}],
    ]


def test_tiny_data_gets_a_clear_message() -> None:
    x, t_x, big_t = np.array([1.0, 0.0]), np.array([2.0, 0.0]), np.array([5.0, 5.0])
    with pytest.raises(ModelFitError, match="Only 2 customers have purchases"):
        bgnbd.fit(x, t_x, big_t)
    with pytest.raises(ModelFitError, match="bought more than once"):
        bgnbd.fit(np.zeros(50), np.zeros(50), np.full(50, 10.0))
    with pytest.raises(ModelFitError, match="spend model needs at least 10"):
        gamma_gamma.fit(np.array([1.0, 2.0]), np.array([10.0, 12.0]))


def test_single_purchase_customers_are_certainly_alive_and_get_the_population_spend() -> None:
    params = bgnbd.BgNbdParams(0.243, 4.414, 0.793, 2.426, 0.0)
    alive = bgnbd.probability_alive(
        params, np.array([0.0, 2.0]), np.array([0.0, 30.43]), np.array([38.86, 38.86])
    )
    assert alive[0] == 1.0
    assert 0 < alive[1] < 1
    spend = gamma_gamma.expected_spend(
        gamma_gamma.GammaGammaParams(6.25, 3.74, 15.44), np.array([0.0]), np.array([0.0])
    )
    assert round(float(spend[0]), 2) == round(6.25 * 15.44 / 2.74, 2)


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    import datetime

    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2024, 3, 31), 1) == datetime.date(2024, 2, 29)
    assert months_before(datetime.date(1997, 9, 30), 12) == datetime.date(1996, 9, 30)
    assert months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_unknown_setting_is_refused(settings) -> None:
    settings.GUANXI_ANALYTICS = {"horizon_monthz": 12}
    with pytest.raises(ValueError, match="horizon_monthz"):
        analysis_config()
