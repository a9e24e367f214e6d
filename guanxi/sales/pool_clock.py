"""When a customer goes back to the pool: each rule's clock, as queries.

A rule "without X for N days" sends a customer back once N days have passed since the latest
of: the customer's creation, its last claim from a pool or handover to its owner, the rule's own
start (a new or shortened rule never empties the reps' books at once) and the last X — a
follow-up (a note, call, meeting, done task or visit), a new opportunity, or a deal (a won
opportunity or an order). A rule for a customer level replaces
the pool's rule of the same kind for every level; accounts, which have no level, follow the
rules for every level. Locked customers, and (as the pool says) customers with an open
opportunity or who ever bought, never go back.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from guanxi.commerce.choices import OrderStatus
from guanxi.commerce.models import Order
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Account, Activity, Contact
from guanxi.platform.models import AuditEvent
from guanxi.sales.choices import PoolRuleKind, StageOutcome
from guanxi.sales.models import CustomerLock, Opportunity, Pool, PoolClaim, PoolRule, Visit
from guanxi.sales.services.pools import pool_members

Customer = Contact | Account
CUSTOMER_MODELS: tuple[type[Contact] | type[Account], ...] = (Contact, Account)


def field_of(model: Any) -> str:
    """``contact`` or ``account``: how the sales and commerce rows name this kind of customer."""
    return "contact" if model is Contact else "account"


def _ids(rows: QuerySet[Any], field: str, among: list[int] | None = None) -> QuerySet[Any]:
    """The customers these rows name; with ``among``, only those (a small, indexed read
    instead of every row of the period when the job re-checks a chunk)."""
    if among is not None:
        return rows.filter(**{f"{field}_id__in": among}).values(f"{field}_id")
    return rows.filter(**{f"{field}__isnull": False}).values(f"{field}_id")


def _event_sources(kind: str) -> list[tuple[QuerySet[Any], str]]:
    """The rows that restart a rule's clock, each with the field that says when. A follow-up is
    a note, call or meeting, a task done or a visit: an open task or a meeting still ahead is a
    plan, not a follow-up (and a date in the future never holds the clock)."""
    if kind == PoolRuleKind.FOLLOW_UP:
        activities = Activity.objects.filter(deleted_at__isnull=True)
        return [
            (activities.exclude(kind=ActivityKind.TASK), "occurred_at"),
            (activities.filter(kind=ActivityKind.TASK, done_at__isnull=False), "done_at"),
            (Visit.objects.all(), "checked_in_at"),
        ]
    if kind == PoolRuleKind.OPPORTUNITY:
        return [(Opportunity.objects.filter(deleted_at__isnull=True), "created_at")]
    return [(_won(), "closed_at"), (_orders(), "ordered_at")]


def _handovers(model: Any) -> QuerySet[AuditEvent]:
    """A handover gives the new owner the customer's full time again."""
    label = model._meta.label_lower
    return AuditEvent.objects.filter(
        target_type=label, verb=f"customers.{field_of(model)}.handed_over"
    )


def _won() -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(deleted_at__isnull=True, stage__outcome=StageOutcome.WON)


def _orders() -> QuerySet[Order]:
    return Order.objects.exclude(status=OrderStatus.CANCELLED)


def _candidates(pool: Pool, model: Any, among: list[int] | None = None) -> QuerySet[Any]:
    field = field_of(model)
    rows = model.objects.filter(
        pool_members(pool), org_id=pool.org_id, pooled_at__isnull=True, deleted_at__isnull=True
    )
    if among is not None:
        rows = rows.filter(pk__in=among)
    rows = rows.exclude(pk__in=_ids(_locked(field), field, among))
    if pool.exempt_open_opportunity:
        open_deals = Opportunity.objects.filter(
            deleted_at__isnull=True, stage__outcome=StageOutcome.OPEN
        )
        rows = rows.exclude(pk__in=_ids(open_deals, field, among))
    if pool.exempt_won_deal:
        rows = rows.exclude(pk__in=_ids(_won(), field, among))
        rows = rows.exclude(pk__in=_ids(_orders(), field, among))
    return rows


def _locked(field: str) -> QuerySet[CustomerLock]:
    """Locks held by the customer's current owner (a lock set by a previous owner holds no
    more)."""
    return CustomerLock.objects.filter(**{f"{field}__owner_id": F("owner_id")})


def _level_filter(rule: PoolRule, rules: list[PoolRule], model: Any) -> Q | None:
    """Which customers a rule speaks for (``None``: none of this kind)."""
    if rule.level:
        return Q(score__grid_cell=rule.level) if model is Contact else None
    specific = [r.level for r in rules if r.kind == rule.kind and r.level]
    if specific and model is Contact:
        return ~Q(score__grid_cell__in=specific)
    return Q()


def _speaks_for(rule: PoolRule, rules: list[PoolRule], model: Any, level: str) -> bool:
    """Whether ``rule`` is the one of its kind for a customer of this model and level."""
    if rule.level:
        return model is Contact and rule.level == level
    overridden = bool(level) and any(r.kind == rule.kind and r.level == level for r in rules)
    return not (model is Contact and overridden)


def _overdue(
    rule: PoolRule,
    rules: list[PoolRule],
    model: Any,
    moment: datetime.datetime,
    among: list[int] | None,
) -> Q:
    """Customers whose clock for ``rule`` has run out at ``moment``."""
    before = moment - datetime.timedelta(days=rule.days)
    levels = _level_filter(rule, rules, model)
    if levels is None or rule.created_at > before:
        return Q(pk__in=[])
    field = field_of(model)
    window = {"__gte": before, "__lte": moment}
    claims = PoolClaim.objects.filter(claimed_at__gte=before, claimed_at__lte=moment)
    quiet = Q(created_at__lt=before) & ~Q(pk__in=_ids(claims, field, among))
    handed = _handovers(model).filter(created_at__gte=before, created_at__lte=moment)
    if among is not None:
        handed = handed.filter(target_id__in=among)
    quiet &= ~Q(pk__in=handed.values("target_id"))
    for rows, at in _event_sources(rule.kind):
        within = rows.filter(**{at + suffix: value for suffix, value in window.items()})
        quiet &= ~Q(pk__in=_ids(within, field, among))
    return quiet & levels


def due_customers(
    pool: Pool, model: Any, moment: datetime.datetime, among: list[int] | None = None
) -> QuerySet[Any]:
    """Customers of ``model`` this pool's rules send back at ``moment`` (of ``among``)."""
    rules = list(pool.rules.all())
    if not rules:
        return model.objects.none()
    due = Q(pk__in=[])
    for rule in rules:
        due |= _overdue(rule, rules, model, moment, among)
    return _candidates(pool, model, among).filter(due)


def returning_soon(
    pool: Pool, model: Any, now: datetime.datetime, *, since: datetime.datetime | None = None
) -> QuerySet[Any]:
    """Customers that go back within the pool's warning days, not yet due; with ``since``,
    only those that were not within the warning days yet at that moment."""
    warning = datetime.timedelta(days=pool.warn_days_before)
    later = due_customers(pool, model, now + warning)
    soon = later.exclude(pk__in=due_customers(pool, model, now).values("pk"))
    if since is not None:
        soon = soon.exclude(pk__in=due_customers(pool, model, since + warning).values("pk"))
    return soon


def _last(rows: QuerySet[Any], at: str) -> datetime.datetime | None:
    return rows.aggregate(last=Max(at))["last"]


def returns_on(
    pool: Pool, record: Customer, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """The moment ``record`` goes back to ``pool`` unless followed up (``None``: never)."""
    now = now or timezone.now()
    model = type(record)
    field = field_of(model)
    if not _candidates(pool, model, [record.pk]).exists():
        return None
    rules = list(pool.rules.all())
    level = ""
    if model is Contact:
        level = (
            Contact.objects.filter(pk=record.pk).values_list("score__grid_cell", flat=True).first()
            or ""
        )
    claimed = _last(PoolClaim.objects.filter(**{field: record}, claimed_at__lte=now), "claimed_at")
    handed = _last(_handovers(model).filter(target_id=record.pk, created_at__lte=now), "created_at")
    moments = []
    for rule in rules:
        if not _speaks_for(rule, rules, model, level):
            continue
        starts = [record.created_at, rule.created_at, claimed, handed]
        for rows, at in _event_sources(rule.kind):
            starts.append(_last(rows.filter(**{field: record, f"{at}__lte": now}), at))
        start = max(moment for moment in starts if moment is not None)
        moments.append(start + datetime.timedelta(days=rule.days))
    return min(moments, default=None)
