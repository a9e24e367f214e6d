"""BG/NBD: how many purchases a customer will make, and the chance they are still a customer.

Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way". Each customer is summarised by
x (repeat purchases), t_x (time of the last purchase) and T (time since the first purchase), all
measured from the first purchase. Fitted by maximum likelihood with the analytic gradient, on
log-parameters so that all four stay positive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from guanxi.analytics.statistics.compress import Array, distinct_summaries
from guanxi.analytics.statistics.errors import ModelFitError

MIN_CUSTOMERS = 20
MIN_REPEATERS = 5
WARM_START_ROWS = 20_000
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


@dataclass(frozen=True)
class _Summaries:
    """Distinct (x, t_x, T) rows with their weights, and x's distinct values.

    Every term that depends on x alone (all the gamma and digamma functions) is computed once per
    distinct x and summed with that x's total weight; only the terms in t_x and T run over rows.
    """

    x: Array
    t_x: Array
    big_t: Array
    weights: Array
    repeat: npt.NDArray[np.bool_]
    xs: Array  # the distinct values of x
    x_index: npt.NDArray[np.intp]  # each row's position in xs
    x_weights: Array  # total weight of each distinct x
    x_repeat: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, x: Array, t_x: Array, big_t: Array, weights: Array) -> _Summaries:
        xs, x_index = np.unique(x, return_inverse=True)
        return cls(
            x=x,
            t_x=t_x,
            big_t=big_t,
            weights=weights,
            repeat=x > 0,
            xs=xs,
            x_index=x_index.ravel(),
            x_weights=np.bincount(x_index.ravel(), weights=weights, minlength=len(xs)),
            x_repeat=xs > 0,
        )

    def subset(self, rows: npt.NDArray[np.intp]) -> _Summaries:
        return _Summaries.of(self.x[rows], self.t_x[rows], self.big_t[rows], self.weights[rows])

    def per_x(self, row_values: Array) -> Array:
        """Weighted sums of a row-level quantity for each distinct x."""
        return np.bincount(self.x_index, weights=row_values, minlength=len(self.xs))


def _branches(params: Array, data: _Summaries) -> tuple[Array, Array, Array, Array, Array, Array]:
    """Row-level parts: log of (still active + dropped out) and the share of the active branch.

    With z = log(dropped / active), the sum is active - log_expit(-z) and the active share is
    expit(-z): both stable for any z, and exactly 1 for customers without repeat purchases.
    """
    r, alpha, a, b = params
    log_alpha_t = np.log(alpha + data.big_t)
    log_alpha_tx = np.log(alpha + data.t_x)
    b_x1 = np.where(data.x_repeat, b + data.xs - 1.0, 1.0)
    rx = r + data.x
    z = np.where(
        data.repeat,
        (np.log(a) - np.log(b_x1))[data.x_index] + rx * (log_alpha_t - log_alpha_tx),
        -np.inf,
    )
    both = -rx * log_alpha_t - special.log_expit(-z)
    return both, special.expit(-z), log_alpha_t, log_alpha_tx, b_x1, rx


def _head(params: Array, xs: Array) -> Array:
    """The part of each row's log-likelihood that depends on x only, per distinct x."""
    r, alpha, a, b = params
    return (
        special.gammaln(r + xs)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.gammaln(a + b)
        + special.gammaln(b + xs)
        - special.gammaln(b)
        - special.gammaln(a + b + xs)
    )


def _dot(a: Array, b: Array) -> float:
    """A weighted sum without BLAS: on busy cores its threads cost more than the sum itself."""
    return float(np.einsum("i,i->", a, b))


def _objective(log_params: Array, data: _Summaries) -> tuple[float, Array]:
    """Minus the mean log-likelihood and its gradient in log-parameters."""
    params = np.exp(log_params)
    r, alpha, a, b = params
    both, w_alive, log_alpha_t, log_alpha_tx, b_x1, rx = _branches(params, data)
    w = data.weights
    wa = w * w_alive
    wd = w - wa  # zero without repeat purchases, where the active share is exactly 1
    xw = data.x_weights
    loglik = _dot(xw, _head(params, data.xs)) + _dot(w, both)
    d_r = (
        _dot(xw, special.digamma(r + data.xs) - special.digamma(r) + np.log(alpha))
        - _dot(wa, log_alpha_t)
        - _dot(wd, log_alpha_tx)
    )
    d_alpha = (
        xw.sum() * r / alpha
        - _dot(wa * rx, 1.0 / (alpha + data.big_t))
        - _dot(wd * rx, 1.0 / (alpha + data.t_x))
    )
    d_a = _dot(xw, special.digamma(a + b) - special.digamma(a + b + data.xs)) + wd.sum() / a
    d_b = _dot(
        xw,
        special.digamma(a + b)
        + special.digamma(b + data.xs)
        - special.digamma(b)
        - special.digamma(a + b + data.xs),
    ) - _dot(data.per_x(wd), 1.0 / b_x1)
    total = w.sum()
    gradient = np.array([d_r, d_alpha, d_a, d_b]) * params
    return -loglik / total, -gradient / total


def _minimise(data: _Summaries, start: Array) -> Array:
    result = optimize.minimize(
        _objective,
        x0=start,
        args=(data,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * 4,
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9},
    )
    return np.asarray(result.x)


def fit(x: Array, t_x: Array, big_t: Array) -> BgNbdParams:
    """Maximum-likelihood parameters; :class:`ModelFitError` when the data cannot support them.

    With many distinct histories the search starts from a fit to a fixed sample of them, so the
    full data set is visited only for the last few steps; the maximum is the same.
    """
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (x, t_x, big_t))
    if len(x) < MIN_CUSTOMERS:
        raise ModelFitError(
            "too_few_buyers",
            f"Only {len(x)} customers have purchases; lifetime value needs at least "
            f"{MIN_CUSTOMERS}.",
            count=len(x),
            needed=MIN_CUSTOMERS,
        )
    if int((x > 0).sum()) < MIN_REPEATERS:
        raise ModelFitError(
            "too_few_repeat_buyers",
            f"Only {int((x > 0).sum())} customers bought more than once; the purchase model "
            f"needs at least {MIN_REPEATERS} repeat buyers to learn how often people come back.",
            count=int((x > 0).sum()),
            needed=MIN_REPEATERS,
        )
    if not (big_t > 0).any():
        raise ModelFitError(
            "all_new", "Every customer bought for the first time on the analysis date."
        )
    (ux, ut_x, ubig_t), weights, _inverse = distinct_summaries(x, t_x, big_t)
    data = _Summaries.of(ux, ut_x, ubig_t, weights)
    start = np.zeros(4)
    if len(ux) > WARM_START_ROWS:
        sample = np.random.default_rng(0).choice(len(ux), WARM_START_ROWS, replace=False)
        start = _minimise(data.subset(np.sort(sample)), start)
    log_params = _minimise(data, start)
    if not np.all(np.isfinite(log_params)) or np.any(np.abs(log_params) > LOG_BOUND - 0.5):
        raise ModelFitError(
            "purchase_model_unstable",
            "The purchase model did not settle on sensible values for these customers (too few "
            "or too uniform purchases); scores based on it are not shown.",
        )
    r, alpha, a, b = (float(v) for v in np.exp(log_params))
    loglik = -_objective(log_params, data)[0] * float(weights.sum())
    return BgNbdParams(r, alpha, a, b, loglik)


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
