"""Gamma-Gamma: how much a customer spends per purchase day, shrunk towards the population.

Fader, Hardie & Lee (2005), "RFM and CLV". Fitted on customers with at least one repeat purchase,
each summarised by x (repeat purchase days) and m (the average spend of those days).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, special

from guanxi.analytics.statistics.compress import Array, distinct_rows
from guanxi.analytics.statistics.errors import ModelFitError

MIN_REPEATERS = 10
LOG_BOUND = 12.0


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _objective(log_params: Array, x: Array, m: Array, weights: Array) -> tuple[float, Array]:
    params = np.exp(log_params)
    p, q, gamma = params
    px = p * x
    spread = np.log(gamma + m * x)
    loglik = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * spread
    )
    d_p = x * (special.digamma(px + q) - special.digamma(px) + np.log(m) + np.log(x) - spread)
    d_q = special.digamma(px + q) - special.digamma(q) + np.log(gamma) - spread
    d_gamma = q / gamma - (px + q) / (gamma + m * x)
    total = weights.sum()
    gradient = np.array([weights @ d for d in (d_p, d_q, d_gamma)]) * params
    return -float(weights @ loglik) / total, -gradient / total


def fit(x: Array, m: Array) -> GammaGammaParams:
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    usable = (x > 0) & (m > 0)
    if int(usable.sum()) < MIN_REPEATERS:
        raise ModelFitError(
            "too_few_paid_repeaters",
            f"Only {int(usable.sum())} customers have paid repeat purchases; the spend model "
            f"needs at least {MIN_REPEATERS}.",
            count=int(usable.sum()),
            needed=MIN_REPEATERS,
        )
    (ux, um), weights, _inverse = distinct_rows(x[usable], m[usable], with_inverse=False)
    result = optimize.minimize(
        _objective,
        x0=np.zeros(3),
        args=(ux, um, weights),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * 3,
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10},
    )
    p, q, gamma = np.exp(result.x)
    if not np.all(np.isfinite(result.x)) or np.any(np.abs(result.x) > LOG_BOUND - 0.5) or q <= 1:
        raise ModelFitError(
            "spend_model_unstable",
            "The spend model did not settle on sensible values (spend per purchase varies too "
            "little or too wildly between customers); lifetime value is not shown.",
        )
    return GammaGammaParams(float(p), float(q), float(gamma))


def expected_spend(params: GammaGammaParams, x: Array, m: Array) -> Array:
    """Expected spend per future purchase day: the customer's own average, shrunk to the mean."""
    p, q, gamma = params.p, params.q, params.gamma
    x = np.asarray(x, dtype=float)
    m = np.where(x > 0, np.asarray(m, dtype=float), 0.0)
    return (p * (gamma + x * m)) / (p * x + q - 1.0)
