"""The purchase-history generator behind the analytics benchmark: pure NumPy, no database."""

from __future__ import annotations

import numpy as np
import pytest

from guanxi.analytics.statistics import bgnbd, gamma_gamma, simulate

WEEKS, COHORT_WEEKS = 260, 208
DAYS = WEEKS * 7


def within(value: float, expected: float, share: float) -> bool:
    return abs(value - expected) <= abs(expected) * share


@pytest.fixture(scope="module")
def twenty_thousand() -> tuple[simulate.Orders, simulate.Summary]:
    orders = simulate.simulate(20_000, orders=200_000, seed=1)
    return orders, simulate.summarise(orders, 20_000, DAYS)


def test_the_same_seed_gives_the_same_orders() -> None:
    first = simulate.simulate(2_000, orders=20_000, seed=7)
    again = simulate.simulate(2_000, orders=20_000, seed=7)
    other = simulate.simulate(2_000, orders=20_000, seed=8)
    for mine, same in zip(first, again, strict=True):
        assert np.array_equal(mine, same)
    assert not np.array_equal(first.cents[:100], other.cents[:100])


def test_exact_values_for_a_tiny_seed() -> None:
    """Pins NumPy's PCG64 streams as well: a NumPy release that changes them fails here first."""
    busy = simulate.PurchaseProcess(r=2.0, alpha=2.0, a=1.0, b=4.0)
    orders = simulate.simulate(4, orders=30, weeks=6, cohort_weeks=2, purchases=busy, seed=3)
    assert orders.customer.tolist() == EXACT_CUSTOMER
    assert orders.day.tolist() == EXACT_DAY
    assert orders.cents.tolist() == EXACT_CENTS


EXACT_CUSTOMER = [0] * 14 + [1] * 3 + [2] * 12 + [3] * 2
EXACT_DAY = [13, 13, 14, 21, 21, 24, 24, 27, 27, 32, 37, 37, 39, 39, 0, 3, 3, 1, 2, 4, 4, 30, 30]
EXACT_DAY += [30, 40, 40, 40, 40, 40, 13, 13]
EXACT_CENTS = [540, 385, 1298, 478, 267, 1350, 1272, 132, 561, 2265, 3187, 399, 567, 1722, 5123]
EXACT_CENTS += [
    1720,
    861,
    4424,
    3189,
    1704,
    1028,
    555,
    674,
    447,
    795,
    1389,
    188,
    616,
    991,
    685,
    775,
]


def test_orders_are_well_formed(twenty_thousand: tuple[simulate.Orders, simulate.Summary]) -> None:
    orders, summary = twenty_thousand
    key = orders.customer * DAYS + orders.day
    assert np.all(np.diff(key) >= 0)  # by customer, then day
    assert np.array_equal(np.unique(orders.customer), np.arange(20_000))  # everyone bought
    assert orders.day.min() >= 0 and orders.day.max() < DAYS
    assert orders.cents.min() >= 1
    first_day = DAYS - 1 - np.round(summary.big_t * 7)
    assert first_day.max() < COHORT_WEEKS * 7
    # About the wanted number of orders: 1 + Poisson orders per purchase day.
    assert within(len(orders.day), 200_000, 0.02)
    assert np.all(summary.t_x <= summary.big_t)


def test_one_order_per_purchase_day_without_a_wanted_total() -> None:
    orders = simulate.simulate(3_000, seed=2)
    key = orders.customer * DAYS + orders.day
    assert len(np.unique(key)) == len(key)


def test_summary_counts_purchase_days_not_orders() -> None:
    orders = simulate.Orders(
        customer=np.array([0, 0, 0, 0, 1, 2, 2]),
        day=np.array([3, 3, 10, 24, 5, 0, 13]),
        cents=np.array([100, 300, 500, 700, 900, 1000, 2000]),
    )
    summary = simulate.summarise(orders, 4, 28)
    assert summary.x.tolist() == [2.0, 0.0, 1.0, 0.0]
    assert summary.t_x.tolist() == [3.0, 0.0, 13 / 7, 0.0]
    assert summary.big_t.tolist() == [24 / 7, 22 / 7, 27 / 7, 0.0]
    # Repeat days of customer 0 spent 5.00 and 7.00; the first day (4.00) does not count.
    assert summary.zbar.tolist() == [6.0, 0.0, 20.0, 0.0]


def test_a_fit_recovers_the_generating_parameters(
    twenty_thousand: tuple[simulate.Orders, simulate.Summary],
) -> None:
    _orders, summary = twenty_thousand
    purchases = bgnbd.fit(summary.x, summary.t_x, summary.big_t)
    truth = simulate.CDNOW_PURCHASES
    assert within(purchases.r, truth.r, 0.1)
    assert within(purchases.alpha, truth.alpha, 0.15)
    assert within(purchases.a, truth.a, 0.15)
    assert within(purchases.b, truth.b, 0.15)
    spend = gamma_gamma.fit(summary.x, summary.zbar)
    assert within(spend.p, simulate.CDNOW_SPEND.p, 0.2)
    assert within(spend.q, simulate.CDNOW_SPEND.q, 0.2)
    assert within(spend.gamma, simulate.CDNOW_SPEND.gamma, 0.2)


def test_continuous_time_draws_match_the_recorded_days(
    twenty_thousand: tuple[simulate.Orders, simulate.Summary],
) -> None:
    """The control replays the same purchases: recording by day can only merge, never add."""
    _orders, summary = twenty_thousand
    x, t_x, big_t = simulate.exact_summary(20_000, seed=1)
    assert np.all(summary.x <= x)
    assert np.all(np.abs(big_t - summary.big_t) <= 1 / 7 + 1e-12)
    assert np.all(np.abs(t_x - summary.t_x) <= 1 / 7 + 1e-12)
    assert (summary.x < x).mean() < 0.05  # same-day purchases are rare
    purchases = bgnbd.fit(x, t_x, big_t)
    assert within(purchases.alpha, simulate.CDNOW_PURCHASES.alpha, 0.1)


def test_the_cohort_must_fit_in_the_period() -> None:
    with pytest.raises(ValueError, match="cohort_days"):
        simulate.simulate(10, weeks=4, cohort_weeks=5)
