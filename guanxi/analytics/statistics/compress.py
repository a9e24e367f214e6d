"""Fitting on distinct summaries: customers with the same (x, t_x, T) add the same likelihood term.

A million customers summarised by whole days have far fewer distinct triples, so the likelihood
is evaluated once per triple and weighted by its count: exactly the same maximum, much less work.
When every value is a whole number of days (the refresh's summaries are), the three columns pack
into one integer key, and finding the distinct rows is a single sort of integers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Indexes = npt.NDArray[np.intp]
BITS = 21  # up to 2,097,151 purchases or days (5,700 years) per field
LIMIT = 1 << BITS


def _whole_days(weeks: Array) -> npt.NDArray[np.int64] | None:
    days = np.rint(weeks * 7.0)
    if not np.allclose(days, weeks * 7.0, rtol=0, atol=1e-6) or days.min(initial=0) < 0:
        return None
    return days.astype(np.int64)


def _packed(x: Array, t_x: Array, big_t: Array) -> npt.NDArray[np.int64] | None:
    count = np.rint(x)
    t_days, big_days = _whole_days(t_x), _whole_days(big_t)
    if t_days is None or big_days is None or not np.array_equal(count, x):
        return None
    top = max(count.max(initial=0), t_days.max(initial=0), big_days.max(initial=0))
    if count.min(initial=0) < 0 or top >= LIMIT:
        return None
    return (count.astype(np.int64) << (2 * BITS)) | (t_days << BITS) | big_days


def distinct_summaries(
    x: Array, t_x: Array, big_t: Array, *, with_inverse: bool = False
) -> tuple[list[Array], Array, Indexes | None]:
    """Distinct (x, t_x, T) rows, their counts, and (if asked) each input row's index into them."""
    key = _packed(x, t_x, big_t)
    if key is None:
        return distinct_rows(x, t_x, big_t, with_inverse=with_inverse)
    if with_inverse:
        unique, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    else:
        (unique, counts), inverse = np.unique(key, return_counts=True), None
    mask = LIMIT - 1
    columns = [
        (unique >> (2 * BITS)).astype(float),
        ((unique >> BITS) & mask) / 7.0,
        (unique & mask) / 7.0,
    ]
    return columns, counts.astype(float), None if inverse is None else inverse.ravel()


def distinct_rows(
    *columns: Array, with_inverse: bool = True
) -> tuple[list[Array], Array, Indexes | None]:
    """The distinct rows of any columns, their counts, and each input row's index into them."""
    stacked = np.column_stack(columns)
    unique, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
    return (
        [unique[:, i].copy() for i in range(unique.shape[1])],
        counts.astype(float),
        inverse.ravel() if with_inverse else None,
    )
