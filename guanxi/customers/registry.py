"""What happens to other rows when a customer is purged, merged or erased.

A row of any module that points at a contact or an account (an activity, an order, later a deal,
a ticket or a points balance) must not silently vanish with it, nor block it for a reason nobody
can read. Each module therefore registers, once, in its ``AppConfig.ready()``::

    register_related_rows(RelatedRows(
        label="commerce.order",
        on_purge=orders_keep_unlinked,   # (CustomerRef) -> {"unlinked": 5}
        on_merge=orders_follow_the_merge,  # (Merge) -> Moved({"repointed": 5}, pks=[...])
        on_unmerge=orders_go_back,       # (Merge, pks) -> {"repointed": 5}
        on_erase=orders_keep_unlinked,   # (CustomerRef) -> {"unlinked": 5}
    ))

Rows that are facts about the business (orders, deals) register with :func:`business_rows`,
which builds exactly these four handlers for a model.

A handler works on its own rows only, inside the caller's transaction, and returns how many rows
it changed per outcome (``deleted``, ``unlinked``, ``repointed``, ``anonymised``; zeros may be left
out). To forbid the operation for one record it raises :class:`Refused` with a reason a person can
read: the whole operation on that record is rolled back and the record stays as it was.

A merge can be undone, so ``on_merge`` also reports the primary keys of the rows it re-pointed
(:class:`Moved`); the merge service keeps them, and ``on_unmerge`` later receives them and moves
back those that still point at the survivor (a row re-pointed since, by someone else, stays). Rows
that simply follow a foreign key use :func:`repoint` and :func:`repoint_back`.

Handlers run in registration order (apps in ``INSTALLED_APPS`` order); the customer record itself
is deleted, merged or anonymised by the customers services only after every handler has run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import timezone

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


@dataclass(frozen=True)
class Moved:
    """What one ``on_merge`` handler did: counts per outcome, and the rows undo may move back."""

    counts: Counts
    pks: Sequence[Any] = ()


@dataclass
class MergeOutcome:
    """What a whole merge did to other rows: counts per label and, per label, the moved keys."""

    counts: dict[str, Counts] = dataclass_field(default_factory=dict)
    moved: dict[str, list[Any]] = dataclass_field(default_factory=dict)


Handler = Callable[[CustomerRef], Counts]
MergeHandler = Callable[[Merge], Moved]
UnmergeHandler = Callable[[Merge, Sequence[Any]], Counts]


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
    # Every module that moves rows on a merge should give one; without it an undone merge
    # leaves this kind's rows with the survivor.
    on_unmerge: UnmergeHandler | None = None


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


def merge_related_rows(merge: Merge) -> MergeOutcome:
    """Call every ``on_merge``; the counts and, for undo, the keys of the rows that moved."""
    if merge.source.kind != merge.target.kind or merge.source.org_id != merge.target.org_id:
        raise ValueError("Only customers of the same kind and organisation can be merged.")
    outcome = MergeOutcome()
    for rows in registered_related_rows():
        moved = rows.on_merge(merge)
        _collect(outcome.counts, rows.label, moved.counts)
        if moved.pks:
            outcome.moved[rows.label] = list(moved.pks)
    return outcome


def run_merge(merge: Merge) -> dict[str, Counts]:
    """The counts of :func:`merge_related_rows`, for callers that will not undo."""
    return merge_related_rows(merge).counts


def run_unmerge(merge: Merge, moved: dict[str, list[Any]]) -> dict[str, Counts]:
    """Move back the rows an earlier merge moved (``moved`` as :func:`merge_related_rows` gave
    it); a label no longer registered is skipped, since its rows cannot be told apart."""
    results: dict[str, Counts] = {}
    for rows in registered_related_rows():
        pks = moved.get(rows.label)
        if pks and rows.on_unmerge is not None:
            _collect(results, rows.label, rows.on_unmerge(merge, pks))
    return results


def repoint(rows: QuerySet[Any], field_name: str, merge: Merge, **also: Any) -> Moved:
    """Re-point ``field_name`` of the source's rows to the target (``also``: more columns to set,
    such as ``updated_at``); the usual ``on_merge`` of a row with a plain foreign key."""
    mine = rows.filter(**{f"{field_name}_id": merge.source.pk})
    pks = list(mine.values_list("pk", flat=True))
    if pks:
        rows.filter(pk__in=pks).update(**{f"{field_name}_id": merge.target.pk}, **also)
    return Moved({REPOINTED: len(pks)}, pks)


def repoint_back(
    rows: QuerySet[Any], field_name: str, merge: Merge, pks: Sequence[Any], **also: Any
) -> Counts:
    """Undo :func:`repoint` for the given rows that still point at the target."""
    back = rows.filter(pk__in=list(pks), **{f"{field_name}_id": merge.target.pk}).update(
        **{f"{field_name}_id": merge.source.pk}, **also
    )
    return {REPOINTED: back}


def run_erase(customer: CustomerRef) -> dict[str, Counts]:
    results: dict[str, Counts] = {}
    for rows in registered_related_rows():
        _collect(results, rows.label, rows.on_erase(customer))
    return results


def _points_at(model: Any, field_name: str) -> bool:
    """Whether ``model`` has a ``contact`` / ``account`` key (a promise names a contact only)."""
    return any(field.name == field_name for field in model._meta.get_fields())


def keep_unlinked(model: Any) -> Callable[[CustomerRef], Counts]:
    """An ``on_purge`` / ``on_erase`` for rows that stay without their customer; ``updated_at``
    moves so that API clients syncing with ``updated_since`` see the change."""

    def unlink(customer: CustomerRef) -> Counts:
        if not _points_at(model, customer.field):
            return {}
        rows = model.objects.filter(**{f"{customer.field}_id": customer.pk})
        return {UNLINKED: rows.update(**{customer.field: None}, updated_at=timezone.now())}

    return unlink


def business_rows(
    label: str, model: Any, *, on_erase: Callable[[CustomerRef], Counts] | None = None
) -> RelatedRows:
    """The registration of rows that are facts about the business rather than the person
    (orders, deals): kept without their customer on purge (and, unless ``on_erase`` says
    otherwise, on erasure), following a merge and moving back when it is undone."""

    def follow(merge: Merge) -> Moved:
        if not _points_at(model, merge.source.field):
            return Moved({})
        rows = model.objects.all()
        return repoint(rows, merge.source.field, merge, updated_at=timezone.now())

    def back(merge: Merge, pks: Sequence[Any]) -> Counts:
        if not _points_at(model, merge.source.field):
            return {}
        rows = model.objects.all()
        return repoint_back(rows, merge.source.field, merge, pks, updated_at=timezone.now())

    return RelatedRows(
        label=label,
        on_purge=keep_unlinked(model),
        on_merge=follow,
        on_unmerge=back,
        on_erase=on_erase or keep_unlinked(model),
    )
