"""Purchase histories drawn from the BG/NBD and Gamma-Gamma processes, for tests and benchmarks.

Why: the one real data set with published figures (CDNOW, 2,357 customers) is far too small to
time a refresh of a million customers, and data drawn from exactly the processes the two models
assume lets a fit be checked against the parameters that made the data.

The process, per customer (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way" and
"RFM and CLV"), time in weeks:

- the first purchase falls on a day drawn uniformly from the first ``cohort_weeks`` of the period;
- while active, the customer buys as a Poisson process with rate lambda ~ Gamma(r, rate alpha);
- after each repeat purchase the customer drops out for good with probability p ~ Beta(a, b);
- each purchase day's spend is z ~ Gamma(p, rate nu), with nu ~ Gamma(q, rate gamma) per customer.

The process runs in continuous time and is recorded in whole days, as a shop records orders: the
first purchase falls at a uniform moment of its day, and two purchases on one day make one purchase
day (BG/NBD counts purchase days; ``x`` is the number of distinct purchase days after the first).
Each purchase day then holds one or more orders (1 + Poisson) sharing that day's spend, so that a
benchmark can reach a given number of orders without changing what the models see.

Vectorised: one loop over purchase rounds (each round moves every still-active customer to their
next purchase), none over customers. The same seed gives the same arrays (NumPy's ``Generator``
with PCG64; NumPy does not promise the same streams across its own releases).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PurchaseProcess:
    """BG/NBD: lambda ~ Gamma(r, rate alpha) purchases per week, p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class SpendProcess:
    """Gamma-Gamma: z ~ Gamma(p, rate nu) per purchase day, nu ~ Gamma(q, rate gamma)."""

    p: float
    q: float
    gamma: float


# The parameters fitted to the CDNOW sample, as published by Fader, Hardie & Lee (2005).
CDNOW_PURCHASES = PurchaseProcess(r=0.243, alpha=4.414, a=0.793, b=2.426)
CDNOW_SPEND = SpendProcess(p=6.25, q=3.74, gamma=15.44)


class Orders(NamedTuple):
    """One entry per order, ordered by customer, then day.

    ``customer`` is the index 0 … n-1, ``day`` the day number from the start of the period (0 …
    days-1; the analysis date is the last day), ``cents`` the amount in cents (at least 1), so that
    amounts are exact and sum exactly to the day's spend.
    """

    customer: Ints
    day: Ints
    cents: Ints


class Summary(NamedTuple):
    """What the models read, per customer: x, t_x, T in weeks and zbar, the repeat days' mean."""

    x: Floats
    t_x: Floats
    big_t: Floats
    zbar: Floats


def _purchases(
    customers: int,
    *,
    days: int,
    cohort_days: int,
    process: PurchaseProcess,
    rng: np.random.Generator,
) -> tuple[Ints, Floats, Floats]:
    """Every purchase as (customer, moment in days), and each customer's first moment."""
    if not 0 < cohort_days <= days:
        raise ValueError("cohort_days must be between 1 and days")
    rate_per_day = rng.gamma(process.r, 1.0 / process.alpha, customers) / 7.0
    dropout = rng.beta(process.a, process.b, customers)
    # The first purchase at a uniform moment of its day, so that recorded gaps are unbiased.
    start = rng.integers(0, cohort_days, customers) + rng.random(customers)
    moment = start.copy()
    found_customer = [np.arange(customers, dtype=np.int64)]
    found_moment = [start]
    active = np.arange(customers, dtype=np.int64)
    while len(active):
        with np.errstate(divide="ignore"):
            moment[active] += rng.exponential(1.0 / rate_per_day[active])
        active = active[moment[active] < days]  # later purchases fall after the analysis date
        found_customer.append(active)
        found_moment.append(moment[active])
        active = active[rng.random(len(active)) >= dropout[active]]
    return np.concatenate(found_customer), np.concatenate(found_moment), start


def purchase_days(
    customers: int,
    *,
    days: int,
    cohort_days: int,
    process: PurchaseProcess,
    rng: np.random.Generator,
) -> tuple[Ints, Ints]:
    """Distinct (customer, day) purchase days, ordered by customer, then day."""
    customer, moment, _start = _purchases(
        customers, days=days, cohort_days=cohort_days, process=process, rng=rng
    )
    key = np.unique(customer * days + np.floor(moment).astype(np.int64))
    return key // days, key % days


def exact_summary(
    customers: int,
    *,
    weeks: int = 260,
    cohort_weeks: int = 208,
    purchases: PurchaseProcess = CDNOW_PURCHASES,
    seed: int = 0,
) -> tuple[Floats, Floats, Floats]:
    """x, t_x, T of the same draws as :func:`simulate` with the same seed, in continuous time.

    The control for a fit on recorded days: recording by day merges purchases that fall on the same
    day (a customer who buys several times a week loses some), which the continuous-time process
    does not. A fit on these arrays shows what the data alone supports.
    """
    days = weeks * 7
    customer, moment, start = _purchases(
        customers,
        days=days,
        cohort_days=cohort_weeks * 7,
        process=purchases,
        rng=np.random.default_rng(seed),
    )
    x = np.bincount(customer, minlength=customers).astype(np.float64) - 1.0
    last = np.array(start)
    np.maximum.at(last, customer, moment)
    return x, (last - start) / 7.0, (days - start) / 7.0


def _split(day_cents: Ints, per_day: Ints, rng: np.random.Generator) -> Ints:
    """Each day's cents over its orders: one cent each, the rest by uniform random shares."""
    total = int(per_day.sum())
    group = np.repeat(np.arange(len(per_day)), per_day)
    start = np.cumsum(per_day) - per_day
    running = np.cumsum(rng.random(total) + 1e-9)
    before = np.concatenate(([0.0], running))[start]
    within = running - before[group]
    share = within / within[start + per_day - 1][group]
    share[start + per_day - 1] = 1.0
    cut = np.floor((day_cents - per_day)[group] * share).astype(np.int64)
    previous = np.concatenate(([0], cut[:-1]))
    previous[start] = 0
    return 1 + cut - previous


def simulate(
    customers: int,
    *,
    orders: int | None = None,
    weeks: int = 260,
    cohort_weeks: int = 208,
    purchases: PurchaseProcess = CDNOW_PURCHASES,
    spend: SpendProcess = CDNOW_SPEND,
    seed: int = 0,
) -> Orders:
    """Orders of ``customers`` customers over ``weeks`` weeks; every customer buys at least once.

    ``orders`` is the wanted total: each purchase day holds 1 + Poisson(mu) orders with mu chosen
    from the simulated purchase days, so the total comes out close to it (never below one order a
    purchase day). ``None`` means one order per purchase day.

    The defaults are five years of history with first purchases spread over the first four, so
    every customer is watched for at least a year. With the CDNOW parameters that is about 3.9
    purchase days per customer, and 10 orders a customer means about 2.6 orders a purchase day.
    """
    rng = np.random.default_rng(seed)
    days = weeks * 7
    customer, day = purchase_days(
        customers, days=days, cohort_days=cohort_weeks * 7, process=purchases, rng=rng
    )
    nu = rng.gamma(spend.q, 1.0 / spend.gamma, customers)
    z = rng.gamma(spend.p, 1.0 / nu[customer])
    extra = 0.0 if orders is None else max(orders / len(day) - 1.0, 0.0)
    per_day = 1 + rng.poisson(extra, len(day))
    day_cents = np.maximum(np.round(z * 100.0).astype(np.int64), per_day)
    cents = _split(day_cents, per_day, rng)
    return Orders(np.repeat(customer, per_day), np.repeat(day, per_day), cents)


def summarise(orders: Orders, customers: int, days: int) -> Summary:
    """x, t_x, T (weeks, to the last day of the period) and zbar per customer, as the refresh does.

    Customers without orders get x = 0, t_x = 0, T = 0 and zbar = 0; :func:`simulate` has none.
    """
    key = np.unique(orders.customer * days + orders.day, return_inverse=True)
    distinct, inverse = key[0], key[1].ravel()
    customer, day = distinct // days, distinct % days
    day_spend = np.bincount(inverse, weights=orders.cents / 100.0, minlength=len(distinct))
    count = np.bincount(customer, minlength=customers).astype(float)
    bought = count > 0
    first = np.full(customers, days - 1)
    last = np.zeros(customers, dtype=np.int64)
    np.minimum.at(first, customer, day)
    np.maximum.at(last, customer, day)
    total = np.bincount(customer, weights=day_spend, minlength=customers)
    is_first = np.concatenate(([True], customer[1:] != customer[:-1]))
    first_spend = np.zeros(customers)
    first_spend[customer[is_first]] = day_spend[is_first]
    x = np.where(bought, count - 1.0, 0.0)
    t_x = np.where(bought, (last - first) / 7.0, 0.0)
    big_t = np.where(bought, (days - 1 - first) / 7.0, 0.0)
    zbar = np.divide(total - first_spend, x, out=np.zeros(customers), where=x > 0)
    return Summary(x, t_x, big_t, zbar)
