"""BG/NBD: how many purchases a customer will make, and the chance they are still a customer.

Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way". Each customer is summarised by
x (repeat purchases), t_x (time of the last purchase) and T (time since the first purchase), all
measured from the first purchase. Fitted by maximum likelihood with the analytic gradient, on
log-parameters so that all four stay positive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, special

from guanxi.analytics.statistics.compress import Array, distinct_rows
from guanxi.analytics.statistics.errors import ModelFitError

MIN_CUSTOMERS = 20
MIN_REPEATERS = 5
LOG_BOUND = 12.0  # parameters between e^-12 and e^12; a fit that hits a bound did not converge


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _terms(params: Array, x: Array, t_x: Array, big_t: Array) -> tuple[Array, Array, Array, Array]:
    """Per-row log-likelihood and the weights of its two branches (still active / dropped out)."""
    r, alpha, a, b = params
    repeat = x > 0
    b_x1 = np.where(repeat, b + x - 1.0, 1.0)
    head = (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    alive = -(r + x) * np.log(alpha + big_t)
    dropped = np.where(repeat, np.log(a) - np.log(b_x1) - (r + x) * np.log(alpha + t_x), -np.inf)
    both = np.logaddexp(alive, dropped)
    return head + both, np.exp(alive - both), np.exp(dropped - both), b_x1


def _objective(
    log_params: Array, x: Array, t_x: Array, big_t: Array, weights: Array
) -> tuple[float, Array]:
    params = np.exp(log_params)
    r, alpha, a, b = params
    loglik, w_alive, w_dropped, b_x1 = _terms(params, x, t_x, big_t)
    d_r = (
        special.digamma(r + x)
        - special.digamma(r)
        + np.log(alpha)
        - w_alive * np.log(alpha + big_t)
        - w_dropped * np.log(alpha + t_x)
    )
    d_alpha = r / alpha - (r + x) * (w_alive / (alpha + big_t) + w_dropped / (alpha + t_x))
    d_a = special.digamma(a + b) - special.digamma(a + b + x) + w_dropped / a
    d_b = (
        special.digamma(a + b)
        + special.digamma(b + x)
        - special.digamma(b)
        - special.digamma(a + b + x)
        - w_dropped / b_x1
    )
    total = weights.sum()
    gradient = np.array([weights @ d for d in (d_r, d_alpha, d_a, d_b)]) * params
    return -float(weights @ loglik) / total, -gradient / total


def log_likelihood(params: BgNbdParams, x: Array, t_x: Array, big_t: Array) -> float:
    values = np.array([params.r, params.alpha, params.a, params.b])
    return float(_terms(values, x, t_x, big_t)[0].sum())


def fit(x: Array, t_x: Array, big_t: Array) -> BgNbdParams:
    """Maximum-likelihood parameters; :class:`ModelFitError` when the data cannot support them."""
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (x, t_x, big_t))
    if len(x) < MIN_CUSTOMERS:
        raise ModelFitError(
            f"Only {len(x)} customers have purchases; lifetime value needs at least "
            f"{MIN_CUSTOMERS}."
        )
    if int((x > 0).sum()) < MIN_REPEATERS:
        raise ModelFitError(
            f"Only {int((x > 0).sum())} customers bought more than once; the purchase model "
            f"needs at least {MIN_REPEATERS} repeat buyers to learn how often people come back."
        )
    if not (big_t > 0).any():
        raise ModelFitError("Every customer bought for the first time on the analysis date.")
    (ux, ut_x, ubig_t), weights, _inverse = distinct_rows(x, t_x, big_t)
    result = optimize.minimize(
        _objective,
        x0=np.zeros(4),
        args=(ux, ut_x, ubig_t, weights),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * 4,
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10},
    )
    log_params = result.x
    if not np.all(np.isfinite(log_params)) or np.any(np.abs(log_params) > LOG_BOUND - 0.5):
        raise ModelFitError(
            "The purchase model did not settle on sensible values for these customers (too few "
            "or too uniform purchases); scores based on it are not shown."
        )
    r, alpha, a, b = np.exp(log_params)
    params = BgNbdParams(float(r), float(alpha), float(a), float(b), 0.0)
    return BgNbdParams(
        params.r, params.alpha, params.a, params.b, log_likelihood(params, x, t_x, big_t)
    )


def _log_odds_dropped(params: BgNbdParams, x: Array, t_x: Array, big_t: Array) -> Array:
    """log of a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x); minus infinity when x = 0."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    b_x1 = np.where(repeat, b + x - 1.0, 1.0)
    value = np.log(a) - np.log(b_x1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
    return np.where(repeat, value, -np.inf)


def probability_alive(params: BgNbdParams, x: Array, t_x: Array, big_t: Array) -> Array:
    return special.expit(-_log_odds_dropped(params, x, t_x, big_t))


def expected_purchases(
    params: BgNbdParams, t: float | Array, x: Array, t_x: Array, big_t: Array
) -> Array:
    """Expected purchases in the next ``t`` time units, given the customer's history."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    t = np.asarray(t, dtype=float)
    front = (a + b + x - 1.0) / (a - 1.0)
    hyper = special.hyp2f1(r + x, b + x, a + b + x - 1.0, t / (alpha + big_t + t))
    share = 1.0 - np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t))) * hyper
    return front * share * probability_alive(params, x, t_x, big_t)
