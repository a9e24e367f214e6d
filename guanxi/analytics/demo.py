"""Demo purchase history for the demo customers, so that a fresh install shows real scores.

Drawn from the BG/NBD and Gamma-Gamma processes with the CDNOW parameters (the same generator the
benchmark uses), spend scaled to yuan, spread over a few stores and channels, ending today. Written
through the bulk path; then the scores are computed once.
"""

from __future__ import annotations

import datetime
import decimal
import random
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from guanxi.analytics.statistics.simulate import simulate
from guanxi.commerce.models import Order
from guanxi.core.bulk import analyze, insert_rows, next_id, reset_sequences

STORES = [
    ("北京国贸店", "门店"),
    ("上海南京路店", "门店"),
    ("广州天河店", "门店"),
    ("官方商城", "小程序"),
]
YUAN_PER_DOLLAR = 7
COLUMNS = (
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "org_id",
    "external_id",
    "contact_id",
    "account_id",
    "store",
    "channel",
    "ordered_at",
    "ordered_on",
    "amount",
    "currency",
    "status",
)


def _rows(
    org_id: int, contact_ids: list[int], *, weeks: int, seed: int, today: datetime.date
) -> Iterator[tuple[Any, ...]]:
    orders = simulate(len(contact_ids), weeks=weeks, cohort_weeks=weeks - 13, seed=seed)
    rng = random.Random(seed)
    days = weeks * 7
    start = today - datetime.timedelta(days=days - 1)
    zone = timezone.get_default_timezone()
    now = timezone.now()
    first_id = next_id(Order)
    home_store = {c: rng.randrange(len(STORES)) for c in range(len(contact_ids))}
    for index, (customer, day, cents) in enumerate(
        zip(orders.customer.tolist(), orders.day.tolist(), orders.cents.tolist(), strict=True)
    ):
        on = start + datetime.timedelta(days=day)
        at = datetime.datetime.combine(
            on, datetime.time(rng.randint(10, 21), rng.randrange(60)), zone
        )
        store, channel = STORES[
            home_store[customer] if rng.random() < 0.8 else rng.randrange(len(STORES))
        ]
        yield (
            first_id + index,
            uuid.UUID(int=rng.getrandbits(128), version=4),
            now,
            now,
            org_id,
            f"DEMO-{first_id + index:08d}",
            contact_ids[customer],
            None,
            store,
            channel,
            at,
            on,
            decimal.Decimal(int(cents) * YUAN_PER_DOLLAR) / 100,
            "CNY",
            "completed",
        )


def generate_orders(
    *, org_id: int, contact_ids: list[int], share: float = 0.7, weeks: int = 104, seed: int = 1
) -> int:
    """Orders for a deterministic ``share`` of the contacts; returns how many were written."""
    chosen = sorted(
        np.random.default_rng(seed)
        .permutation(contact_ids)[: int(len(contact_ids) * share)]
        .tolist()
    )
    if not chosen:
        return 0
    rows = list(_rows(org_id, chosen, weeks=weeks, seed=seed, today=timezone.localdate()))
    with transaction.atomic():
        insert_rows(Order, COLUMNS, rows)
        reset_sequences(Order)
    analyze(Order)
    return len(rows)
