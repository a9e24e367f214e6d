"""Each customer's purchase history as arrays: the database groups, NumPy does the rest.

Purchases are counted by day (several orders on one day are one purchase day), which is the
convention of the BG/NBD literature and of the published CDNOW figures. Only completed orders of
live contacts up to the analysis date count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection

EPOCH = datetime.date(1970, 1, 1)
FETCH = 50_000


def day_number(day: datetime.date) -> int:
    return (day - EPOCH).days


def day_from_number(number: int) -> datetime.date:
    return EPOCH + datetime.timedelta(days=int(number))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier, or the month's last day (31 March - 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class PurchaseSummary:
    contact_id: npt.NDArray[np.int64]  # every live contact, buyers or not, ascending
    purchase_days: npt.NDArray[np.float64]  # 0 for customers who never bought
    orders: npt.NDArray[np.float64]
    first_day: npt.NDArray[np.float64]  # day numbers; NaN without purchases
    last_day: npt.NDArray[np.float64]
    total: npt.NDArray[np.float64]
    first_day_total: npt.NDArray[np.float64]
    recent_total: npt.NDArray[np.float64]

    @property
    def buyers(self) -> npt.NDArray[np.bool_]:
        return self.purchase_days > 0

    def __len__(self) -> int:
        return len(self.contact_id)


def _sql(vendor: str) -> str:
    if vendor == "postgresql":
        day, real = "(d.day - DATE '1970-01-01')", "DOUBLE PRECISION"
    else:
        day, real = "CAST(julianday(d.day) - 2440587.5 AS INTEGER)", "REAL"
    return f"""
        SELECT d.contact_id, COUNT(*), CAST(SUM(d.orders) AS {real}),
               MIN({day}), MAX({day}),
               CAST(SUM(d.total) AS {real}),
               CAST(SUM(CASE WHEN d.position = 1 THEN d.total ELSE 0 END) AS {real}),
               CAST(SUM(CASE WHEN d.day > %s THEN d.total ELSE 0 END) AS {real})
        FROM (
            SELECT o.contact_id, o.ordered_on AS day, SUM(o.amount) AS total, COUNT(*) AS orders,
                   ROW_NUMBER() OVER (PARTITION BY o.contact_id ORDER BY o.ordered_on) AS position
            FROM commerce_order o
            WHERE o.org_id = %s AND o.status = 'completed' AND o.ordered_on <= %s
              AND o.contact_id IS NOT NULL
            GROUP BY o.contact_id, o.ordered_on
        ) d
        GROUP BY d.contact_id
        ORDER BY d.contact_id
    """  # noqa: S608 - no user input in the text; values are parameters


def _live_contact_ids(org_id: int) -> npt.NDArray[np.int64]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM customers_contact WHERE org_id = %s AND deleted_at IS NULL ORDER BY id",
            [org_id],
        )
        return np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)


def purchase_summary(
    org_id: int, *, as_of: datetime.date, recent_from: datetime.date
) -> PurchaseSummary:
    """``recent_from`` starts the window of the current value (exclusive)."""
    contact_ids = _live_contact_ids(org_id)
    rows: list[tuple[float, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor), [recent_from, org_id, as_of])
        while chunk := cursor.fetchmany(FETCH):
            rows.extend(chunk)
    size = len(contact_ids)
    columns = np.array(rows, dtype=float).reshape(-1, 8)
    # Orders of deleted contacts are dropped here rather than by a join in the query: the query
    # then reads only the orders index (see commerce.Order), and this is one array lookup.
    ids = columns[:, 0].astype(np.int64)
    where = np.minimum(np.searchsorted(contact_ids, ids), max(size - 1, 0))
    live = contact_ids[where] == ids if size else np.zeros(len(ids), dtype=bool)
    columns, where = columns[live], where[live]

    def spread(index: int, empty: float = 0.0) -> npt.NDArray[np.float64]:
        values = np.full(size, empty)
        values[where] = columns[:, index]
        return values

    return PurchaseSummary(
        contact_id=contact_ids,
        purchase_days=spread(1),
        orders=spread(2),
        first_day=spread(3, np.nan),
        last_day=spread(4, np.nan),
        total=spread(5),
        first_day_total=spread(6),
        recent_total=spread(7),
    )
