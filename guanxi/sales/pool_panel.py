"""The "Customer pool" panel on the 360 page, for whoever manages the customer: whether it is
locked, the day it goes back to the pool unless followed up, and the buttons to lock, unlock or
give it back. An administrator looking at a customer waiting in the pool sees from which pool
and who let it go."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from guanxi.customers.panels import Panel
from guanxi.platform.visibility import can_manage
from guanxi.sales.pool_clock import returns_on
from guanxi.sales.services.pool_customers import entry_of, is_locked
from guanxi.sales.services.pools import pool_of


def pool_context(user: Any, record: Any) -> dict[str, Any] | None:
    kind = record._meta.model_name
    if record.pooled_at is not None:
        return {"kind": kind, "record": record, "entry": entry_of(record)}
    if not can_manage(user, record):
        return None
    pool = pool_of(record.org_id, record.team_id)
    if pool is None:
        return None
    locked = is_locked(record)
    return {
        "kind": kind,
        "record": record,
        "pool": pool,
        "locked": locked,
        "returns_on": None if locked else returns_on(pool, record),
    }


POOL_PANEL = Panel(
    key="pool",
    title=_("Customer pool"),
    template="sales/pool_panel.html",
    context=pool_context,
    order=90,
)
