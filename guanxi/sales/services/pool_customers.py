"""Customers in the pool (公海 / 私海): they go back when nobody works on them; reps claim them.

The pool's rules (``pool_clock``) send a contact or an account back to its owner's pool; its
owner may also give it back, or lock it (within the pool's lock quota, shared with leads) so it
never goes. While pooled, the customer is withheld from everyone but administrators, its last
owner included (``customers.services.pooling``), and the pool's list shows it with masked
phones. A claim is checked under row locks, the customer's and the claiming rep's: of two reps
claiming one customer at once one gets it, the other is told it was taken, and one rep's
parallel claims cannot pass a cap together. Every claim, return, release and lock is audited on
the customer, so it is on the customer's timeline.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.bulk import insert_rows
from guanxi.core.concurrency import lock_for_update
from guanxi.core.errors import ConflictError, PermissionDeniedError, ServiceValidationError
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.services.imported import AUDIT_COLUMNS, event_row
from guanxi.customers.services.pooling import (
    customer_from_pool,
    customers_to_pool,
)
from guanxi.platform.models import AuditEvent
from guanxi.platform.records import require_permission, require_visible
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_manage
from guanxi.sales.choices import PoolRuleKind
from guanxi.sales.models import CustomerLock, Pool, PoolClaim, PooledCustomer, PoolRule
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.pool_clock import CUSTOMER_MODELS, Customer, due_customers, field_of
from guanxi.sales.services.pools import (
    check_daily_cap,
    check_reclaim_delay,
    lock_claimant,
    lock_quota_reached,
    locks_held,
    may_claim_from,
    pool_of,
)

_error = ServiceValidationError.for_field
MAX_RULE_DAYS = 3650


@transaction.atomic
def pool_rules_set(*, actor: Any, pool: Pool, rules: list[dict[str, Any]]) -> list[PoolRule]:
    """Replace the pool's customer rules, audited. A rule kept as it was keeps its start; a rule
    that got shorter, and an every-level rule that takes over a level whose own rule went,
    start again now, so that no change sends customers back without their full time."""
    require_permission(actor, SalesPermission.MANAGE_POOLS)
    wanted = _checked_rules(rules)
    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    kept = {(r.kind, r.level): r for r in pool.rules.all()}
    before = {f"{kind}/{level or '*'}": rule.days for (kind, level), rule in kept.items()}
    dropped_levels = {(k, lv) for (k, lv) in kept if lv} - {(k, lv) for k, lv, _d in wanted}
    now = timezone.now()
    result = []
    for kind, level, days in wanted:
        rule = kept.pop((kind, level), None)
        if rule is None:
            rule = PoolRule.objects.create(
                pool=pool, kind=kind, level=level, days=days, created_at=now
            )
        else:
            takes_over = not level and any(k == kind for k, _lv in dropped_levels)
            if days < rule.days or takes_over:
                rule.created_at = now
            rule.days = days
            rule.save(update_fields=["days", "created_at"])
        result.append(rule)
    PoolRule.objects.filter(pk__in=[r.pk for r in kept.values()]).delete()
    after = {f"{kind}/{level or '*'}": days for kind, level, days in wanted}
    if after != before:
        audit_record(
            actor=actor,
            verb="sales.pool.rules_changed",
            target=pool,
            changes={"customer_rules": {"before": before, "after": after}},
        )
    return result


def _checked_rules(rules: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    seen: set[tuple[str, str]] = set()
    wanted = []
    for index, raw in enumerate(rules):
        kind, level, days = raw.get("kind"), raw.get("level") or "", raw.get("days")
        where = f"customer_rules.{index}"
        if kind not in PoolRuleKind.values:
            raise _error(where, _("A rule is about a follow-up, an opportunity or a deal."))
        if level not in ("", "A", "B", "C", "D", "E"):
            raise _error(where, _("A customer level is one of A, B, C, D and E."))
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RULE_DAYS:
            raise _error(where, _("A whole number of days from 1 to 3650."))
        if (kind, level) in seen:
            raise _error(where, _("One rule per kind and customer level."))
        seen.add((kind, level))
        wanted.append((str(kind), str(level), days))
    return wanted


def entry_of(record: Customer) -> PooledCustomer | None:
    return PooledCustomer.objects.filter(**{field_of(type(record)): record}).first()


def _owned(actor: Any) -> int:
    """The customers a rep owns (not pooled, not deleted), contacts and accounts together."""
    return sum(
        model.objects.filter(owner=actor, pooled_at__isnull=True, deleted_at__isnull=True).count()
        for model in CUSTOMER_MODELS
    )


@transaction.atomic
def customer_claim(*, actor: Any, record: Customer, now: datetime.datetime | None = None) -> None:
    """``actor`` takes a pooled customer: owner, team and the customer's clock become theirs."""
    require_permission(actor, CustomerPermission.CHANGE_CUSTOMERS)
    now = now or timezone.now()
    lock_claimant(actor)
    model = type(record)
    record = lock_for_update(model, record)
    field = field_of(model)
    entry = PooledCustomer.objects.select_related("pool").filter(**{field: record}).first()
    if record.deleted_at is not None:
        raise ConflictError(_("This customer has been deleted."))
    if entry is None:
        raise ConflictError(_("This customer is not in the pool: someone has claimed it."))
    pool = entry.pool
    if not may_claim_from(actor, pool):
        raise PermissionDeniedError(_("Your team does not take customers from this pool."))
    if entry.previous_owner_id == actor.pk:
        check_reclaim_delay(pool, entry.pooled_at, now)
    check_daily_cap(actor, pool, now)
    if _owned(actor) >= pool.customer_cap:
        raise ConflictError(
            _("You already own %(count)s customers, the most this pool allows.")
            % {"count": pool.customer_cap}
        )
    previous = entry.previous_owner
    removed = customer_from_pool(record, owner=actor, now=now)
    entry.delete()
    CustomerLock.objects.filter(**{field: record}).delete()
    PoolClaim.objects.create(pool=pool, user=actor, claimed_at=now, **{field: record})
    audit_record(
        actor=actor,
        verb="sales.customer.claimed",
        target=record,
        changes={
            "owner": {"before": previous.username, "after": actor.username},
            "pool": {"before": pool.name, "after": None},
            **({"collaborators": {"before": removed, "after": []}} if removed else {}),
        },
    )


def _put_in_pool(
    pool: Pool,
    model: Any,
    records: list[Any],
    now: datetime.datetime,
    *,
    actor: Any,
    released: bool,
) -> None:
    """One customer given back or many returned by the job: the pool's entries, the locks
    ended, the customers withheld, and an audit event each, in bulk (the caller holds the
    row locks)."""
    field = field_of(model)
    ids = [record.pk for record in records]
    insert_rows(
        PooledCustomer,
        ("org_id", "pool_id", f"{field}_id", "previous_owner_id", "pooled_at", "released"),
        [(r.org_id, pool.pk, r.pk, r.owner_id, now, released) for r in records],
    )
    CustomerLock.objects.filter(**{f"{field}_id__in": ids}).delete()
    customers_to_pool(model, ids, now=now)
    verb = "sales.customer.released" if released else "sales.customer.returned"
    label = model._meta.label_lower
    changes = {"pool": {"before": None, "after": pool.name}}
    insert_rows(
        AuditEvent,
        AUDIT_COLUMNS,
        [event_row(r.org_id, actor, verb, label, r.pk, r.name, changes, now) for r in records],
    )


@transaction.atomic
def customer_release(*, actor: Any, record: Customer, now: datetime.datetime | None = None) -> None:
    """The owner (or their manager) gives a customer back to the pool."""
    require_visible(actor, record)
    if not can_manage(actor, record):
        raise PermissionDeniedError(_("Only the owner or their manager can release this customer."))
    record = lock_for_update(type(record), record)
    if record.pooled_at is not None or record.deleted_at is not None:
        raise ConflictError(_("This customer is in the pool already."))
    pool = pool_of(record.org_id, record.team_id)
    if pool is None:
        raise ConflictError(_("There is no pool to release it to."))
    _put_in_pool(pool, type(record), [record], now or timezone.now(), actor=actor, released=True)


@transaction.atomic
def customer_set_locked(*, actor: Any, record: Customer, locked: bool) -> bool:
    """A locked customer never goes back to the pool; answers whether it is locked now."""
    require_visible(actor, record)
    if not can_manage(actor, record):
        raise PermissionDeniedError(_("Only the owner or their manager can lock this customer."))
    record = lock_for_update(type(record), record)
    if record.pooled_at is not None:
        raise ConflictError(_("Claim the customer before locking it."))
    field = field_of(type(record))
    current = CustomerLock.objects.filter(**{field: record}).first()
    holds = current is not None and current.owner_id == record.owner_id
    if holds == locked:
        return locked
    if current is not None:
        current.delete()
    if locked:
        pool = pool_of(record.org_id, record.team_id)
        if pool is not None and locks_held(record.owner_id) >= pool.lock_quota:
            raise lock_quota_reached(pool.lock_quota)
        CustomerLock.objects.create(
            org_id=record.org_id,
            owner_id=record.owner_id,
            locked_at=timezone.now(),
            **{field: record},
        )
    audit_record(
        actor=actor,
        verb="sales.customer.locked" if locked else "sales.customer.unlocked",
        target=record,
        changes={"locked": {"before": not locked, "after": locked}},
    )
    return locked


def is_locked(record: Customer) -> bool:
    field = field_of(type(record))
    return CustomerLock.objects.filter(**{field: record}, owner_id=record.owner_id).exists()


RETURN_CHUNK = 500


def customers_return_to_pools(now: datetime.datetime, _previous: Any = None) -> int:
    """The scheduled job: every customer its pool's rules send back goes there, in chunks."""
    moved = 0
    for pool in Pool.objects.filter(rules__isnull=False).distinct().order_by("pk"):
        for model in CUSTOMER_MODELS:
            pks = list(due_customers(pool, model, now).order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), RETURN_CHUNK):
                moved += _return_chunk(pool, model, pks[start : start + RETURN_CHUNK], now)
    return moved


@transaction.atomic
def _return_chunk(pool: Pool, model: Any, pks: list[int], now: datetime.datetime) -> int:
    """One transaction per chunk: the rows locked, then re-checked (a follow-up written since
    the job looked keeps its customer), then moved together, each with its audit event."""
    locked = list(
        model._default_manager.select_for_update().filter(pk__in=pks).values_list("pk", flat=True)
    )
    records = list(due_customers(pool, model, now, among=locked).order_by("pk"))
    if not records:
        return 0
    _put_in_pool(pool, model, records, now, actor=None, released=False)
    return len(records)
