"""What happens to other rows when a customer is purged, merged or erased.

A row of any module that points at a contact or an account (an activity, an order, later a deal,
a ticket or a points balance) must not silently vanish with it, nor block it for a reason nobody
can read. Each module therefore registers, once, in its ``AppConfig.ready()``::

    register_related_rows(RelatedRows(
        label="commerce.order",
        on_purge=orders_keep_unlinked,   # (CustomerRef) -> {"unlinked": 5}
        on_merge=orders_follow_the_merge,  # (Merge) -> {"repointed": 5}
        on_erase=orders_keep_unlinked,   # (CustomerRef) -> {"unlinked": 5}
    ))

A handler works on its own rows only, inside the caller's transaction, and returns how many rows
it changed per outcome (``deleted``, ``unlinked``, ``repointed``, ``anonymised``; zeros may be left
out). To forbid the operation for one record it raises :class:`Refused` with a reason a person can
read: the whole operation on that record is rolled back and the record stays as it was.

Handlers run in registration order (apps in ``INSTALLED_APPS`` order); the customer record itself
is deleted, merged or anonymised by the customers services only after every handler has run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from guanxi.core.errors import ConflictError

CustomerKind = Literal["contact", "account"]
Counts = dict[str, int]

DELETED = "deleted"
UNLINKED = "unlinked"
REPOINTED = "repointed"
ANONYMISED = "anonymised"


@dataclass(frozen=True)
class CustomerRef:
    """The contact or account being purged or erased, by primary key (the row may be locked)."""

    kind: CustomerKind
    pk: int
    org_id: int

    @property
    def field(self) -> str:
        """The usual name of a foreign key to this kind of customer: ``contact`` or ``account``."""
        return self.kind


@dataclass(frozen=True)
class Merge:
    """``source`` disappears into ``target``; both are of the same kind and organisation."""

    source: CustomerRef
    target: CustomerRef


Handler = Callable[[CustomerRef], Counts]
MergeHandler = Callable[[Merge], Counts]


class Refused(ConflictError):
    """A module forbids this purge, merge or erasure; the message says why."""


@dataclass(frozen=True)
class RelatedRows:
    """One kind of row that points at customers and what becomes of it; ``label`` names it in
    audit events (``app_label.model_name``)."""

    label: str
    on_purge: Handler
    on_merge: MergeHandler
    on_erase: Handler


_REGISTRY: dict[str, RelatedRows] = {}


def register_related_rows(rows: RelatedRows) -> None:
    """Register (or, with the same label, replace: ``ready()`` may run twice in tests)."""
    _REGISTRY[rows.label] = rows


def registered_related_rows() -> tuple[RelatedRows, ...]:
    return tuple(_REGISTRY.values())


def _collect(results: dict[str, Counts], label: str, counts: Counts) -> None:
    kept = {outcome: count for outcome, count in counts.items() if count}
    if kept:
        results[label] = kept


def run_purge(customer: CustomerRef) -> dict[str, Counts]:
    """Call every ``on_purge``; per label, the counts of what happened (kinds untouched omitted)."""
    results: dict[str, Counts] = {}
    for rows in registered_related_rows():
        _collect(results, rows.label, rows.on_purge(customer))
    return results


def run_merge(merge: Merge) -> dict[str, Counts]:
    if merge.source.kind != merge.target.kind or merge.source.org_id != merge.target.org_id:
        raise ValueError("Only customers of the same kind and organisation can be merged.")
    results: dict[str, Counts] = {}
    for rows in registered_related_rows():
        _collect(results, rows.label, rows.on_merge(merge))
    return results


def run_erase(customer: CustomerRef) -> dict[str, Counts]:
    results: dict[str, Counts] = {}
    for rows in registered_related_rows():
        _collect(results, rows.label, rows.on_erase(customer))
    return results
