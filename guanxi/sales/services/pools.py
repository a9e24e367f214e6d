"""The customer pool (公海 / 私海): leads nobody works on go back; reps claim them, within limits.

Which pool a lead belongs to: the pool one of whose member teams is its owner's team, else the
organisation's default pool; with no pool at all nothing ever returns. A lead returns when its
owner has not followed it up (created, claimed or changed it) for the pool's days, unless it is
locked, converted, disqualified or deleted; its owner is warned some days before.

A claim is checked and written under a row lock: of two reps claiming the same lead at once,
one gets it and the other is told it was taken. Every claim, return, release and lock is audited
on the lead.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.concurrency import lock_for_update
from guanxi.core.days import day_start
from guanxi.core.errors import ConflictError, PermissionDeniedError, ServiceValidationError
from guanxi.platform.models import Team, User
from guanxi.platform.records import require_permission, require_visible
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_manage
from guanxi.sales.models import Lead, Pool, PoolClaim
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.selectors import OPEN_LEAD_STATUSES

_error = ServiceValidationError.for_field
POOL_SETTINGS = (
    "return_after_days",
    "warn_days_before",
    "daily_claim_cap",
    "owned_cap",
    "reclaim_after_days",
    "lock_quota",
    "customer_cap",
)
POOL_FLAGS = ("exempt_open_opportunity", "exempt_won_deal")


@transaction.atomic
def pool_create(
    *,
    actor: Any,
    name: str,
    teams: list[Team] | None = None,
    is_default: bool = False,
    customer_rules: list[dict[str, Any]] | None = None,
    **values: Any,
) -> Pool:
    """A pool with its settings and, for customers, its rules (``pool_rules_set``)."""
    require_permission(actor, SalesPermission.MANAGE_POOLS)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 60:
        raise _error("name", _("A pool needs a name of at most 60 characters."))
    unknown = set(values) - set(POOL_SETTINGS)
    unknown -= set(POOL_FLAGS)
    if unknown:
        raise _error(sorted(unknown)[0], _("Unknown field."))
    flags = {key: values.pop(key) for key in POOL_FLAGS if key in values}
    for key, flag in flags.items():
        if not isinstance(flag, bool):
            raise _error(key, _("Yes or no."))
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100000:
            raise _error(key, _("A whole number from 0 to 100000."))
    if values.get("return_after_days", 15) < 1:
        raise _error("return_after_days", _("At least one day."))
    for team in teams or []:
        if team.org_id != actor.org_id:
            raise _error("teams", _("No such team."))
    if is_default:
        Pool.objects.filter(org_id=actor.org_id, is_default=True).update(is_default=False)
    pool = Pool.objects.create(
        org_id=actor.org_id, name=name, is_default=is_default, **values, **flags
    )
    pool.teams.set(teams or [])
    if customer_rules:
        from guanxi.sales.services.pool_customers import pool_rules_set

        pool_rules_set(actor=actor, pool=pool, rules=customer_rules)
    audit_record(
        actor=actor,
        verb="sales.pool.created",
        target=pool,
        changes={"name": {"before": None, "after": name}},
    )
    return pool


def pool_of(org_id: int, team_id: int | None) -> Pool | None:
    """The pool of an owner's team, else the organisation's default pool."""
    pools = Pool.objects.filter(org_id=org_id)
    if team_id is not None:
        found = pools.filter(teams__pk=team_id).order_by("pk").first()
        if found is not None:
            return found
    return pools.filter(is_default=True).first()


def may_claim_from(user: Any, pool: Pool) -> bool:
    if user.is_administrator:
        return True
    team_ids = set(pool.teams.values_list("pk", flat=True))
    return not team_ids or user.team_id in team_ids


def _owned_open(user: Any) -> QuerySet[Lead]:
    return Lead.objects.filter(
        owner=user,
        pool__isnull=True,
        status__in=OPEN_LEAD_STATUSES,
        converted_at__isnull=True,
        deleted_at__isnull=True,
    )


def lock_claimant(actor: Any) -> None:
    """Claims by one rep queue behind each other, so two at once cannot both fit under a cap."""
    list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))


def check_reclaim_delay(pool: Pool, pooled_at: datetime.datetime, now: datetime.datetime) -> None:
    """The rep who let a lead or customer go waits the pool's days before claiming it again."""
    allowed_from = pooled_at + datetime.timedelta(days=pool.reclaim_after_days)
    if now < allowed_from:
        raise ConflictError(
            _("You let this go to the pool; you may claim it again from %(date)s.")
            % {"date": timezone.localtime(allowed_from).strftime("%Y-%m-%d %H:%M")}
        )


def check_daily_cap(actor: Any, pool: Pool, now: datetime.datetime) -> None:
    """Leads and customers together count towards the pool's claims per rep per day."""
    claimed_today = PoolClaim.objects.filter(
        user=actor, claimed_at__gte=day_start(timezone.localdate(now))
    )
    if claimed_today.count() >= pool.daily_claim_cap:
        raise ConflictError(
            _("You have claimed %(count)s times today, the most this pool allows.")
            % {"count": pool.daily_claim_cap}
        )


def locks_held(owner_id: int) -> int:
    """Locked leads and locked customers share one quota per rep (a customer's lock counts while
    the customer still has the owner who locked it)."""
    from guanxi.sales.models import CustomerLock

    leads = Lead.objects.filter(owner_id=owner_id, locked=True, deleted_at__isnull=True)
    holding = Q()
    for field in ("contact", "account"):
        holding |= Q(
            **{
                f"{field}__owner_id": F("owner_id"),
                f"{field}__deleted_at__isnull": True,
                f"{field}__pooled_at__isnull": True,
            }
        )
    customers = CustomerLock.objects.filter(holding, owner_id=owner_id)
    return leads.count() + customers.count()


@transaction.atomic
def lead_claim(*, actor: Any, lead: Lead, now: datetime.datetime | None = None) -> Lead:
    require_visible(actor, lead)
    require_permission(actor, SalesPermission.CHANGE_LEADS)
    now = now or timezone.now()
    lock_claimant(actor)
    lead = lock_for_update(Lead, lead)
    pool = lead.pool
    if pool is None:
        raise ConflictError(_("This lead is not in the pool: someone has claimed it."))
    if not may_claim_from(actor, pool):
        raise PermissionDeniedError(_("Your team does not take leads from this pool."))
    if lead.owner_id == actor.pk and lead.pooled_at is not None:
        check_reclaim_delay(pool, lead.pooled_at, now)
    check_daily_cap(actor, pool, now)
    if _owned_open(actor).count() >= pool.owned_cap:
        raise ConflictError(
            _("You already own %(count)s open leads, the most this pool allows.")
            % {"count": pool.owned_cap}
        )
    previous = lead.owner
    lead.owner, lead.team_id = actor, actor.team_id
    lead.pool, lead.pooled_at, lead.followed_up_at = None, None, now
    lead.version += 1
    lead.save(
        update_fields=[
            "owner",
            "team",
            "pool",
            "pooled_at",
            "followed_up_at",
            "version",
            "updated_at",
        ]
    )
    PoolClaim.objects.create(pool=pool, lead=lead, user=actor, claimed_at=now)
    audit_record(
        actor=actor,
        verb="sales.lead.claimed",
        target=lead,
        changes={
            "owner": {"before": previous.username, "after": actor.username},
            "pool": {"before": pool.name, "after": None},
        },
    )
    return lead


def _to_pool(lead: Lead, pool: Pool, now: datetime.datetime, actor: Any, verb: str) -> None:
    Lead.objects.filter(pk=lead.pk).update(
        pool=pool, pooled_at=now, locked=False, version=F("version") + 1, updated_at=now
    )
    audit_record(
        actor=actor,
        verb=verb,
        target=lead,
        changes={"pool": {"before": None, "after": pool.name}},
    )


@transaction.atomic
def lead_release(*, actor: Any, lead: Lead, now: datetime.datetime | None = None) -> Lead:
    """The owner (or their manager) gives a lead back to the pool."""
    require_visible(actor, lead)
    if not can_manage(actor, lead):
        raise PermissionDeniedError(_("Only the owner or their manager can release this lead."))
    lead = lock_for_update(Lead, lead)
    if lead.pool_id is not None or lead.converted_at is not None:
        raise ConflictError(_("Only an open lead that is not in a pool can be released."))
    pool = pool_of(lead.org_id, lead.team_id)
    if pool is None:
        raise ConflictError(_("There is no pool to release it to."))
    _to_pool(lead, pool, now or timezone.now(), actor, "sales.lead.released")
    lead.refresh_from_db()
    return lead


def lock_quota_reached(quota: int) -> ConflictError:
    return ConflictError(
        _("The owner has locked %(count)s leads and customers already, the most this pool allows.")
        % {"count": quota}
    )


@transaction.atomic
def lead_set_locked(*, actor: Any, lead: Lead, locked: bool) -> Lead:
    """A locked lead never returns to the pool; each rep may lock a few (the pool's quota)."""
    require_visible(actor, lead)
    if not can_manage(actor, lead):
        raise PermissionDeniedError(_("Only the owner or their manager can lock this lead."))
    lead = lock_for_update(Lead, lead)
    if lead.locked == locked:
        return lead
    if locked:
        if lead.pool_id is not None:
            raise ConflictError(_("Claim the lead before locking it."))
        pool = pool_of(lead.org_id, lead.team_id)
        quota = pool.lock_quota if pool else 0
        if pool is not None and locks_held(lead.owner_id) >= quota:
            raise lock_quota_reached(quota)
    lead.locked = locked
    lead.version += 1
    lead.save(update_fields=["locked", "version", "updated_at"])
    audit_record(
        actor=actor,
        verb="sales.lead.locked" if locked else "sales.lead.unlocked",
        target=lead,
        changes={"locked": {"before": not locked, "after": locked}},
    )
    return lead


def _returning(pool: Pool, before: datetime.datetime) -> QuerySet[Lead]:
    """Open, unlocked leads of this pool's owners not followed up since ``before``."""
    leads = Lead.objects.filter(
        org_id=pool.org_id,
        pool__isnull=True,
        locked=False,
        status__in=OPEN_LEAD_STATUSES,
        converted_at__isnull=True,
        deleted_at__isnull=True,
        followed_up_at__lt=before,
    )
    return leads.filter(pool_members(pool))


def pool_members(pool: Pool) -> Q:
    """The records (leads, customers) whose owner's team sends them to this pool."""
    team_ids = list(pool.teams.values_list("pk", flat=True))
    if team_ids:
        return Q(team_id__in=team_ids)
    if pool.is_default:
        # The default pool takes the teams no other pool names, and owners without a team.
        other = Team.objects.filter(org_id=pool.org_id).exclude(
            pk__in=Pool.teams.through.objects.exclude(pool=pool).values("team_id")
        )
        return Q(team_id__in=other.values("pk")) | Q(team_id__isnull=True)
    return Q(pk__in=[])


def leads_return_to_pools(now: datetime.datetime, _previous: Any = None) -> int:
    """The scheduled job: every lead nobody followed up in time goes back to its pool."""
    moved = 0
    for pool in Pool.objects.order_by("pk"):
        before = now - datetime.timedelta(days=pool.return_after_days)
        for lead in _returning(pool, before).order_by("pk").iterator(chunk_size=500):
            with transaction.atomic():
                _to_pool(lead, pool, now, None, "sales.lead.returned")
            moved += 1
    return moved


def leads_returning_soon(pool: Pool, now: datetime.datetime) -> QuerySet[Lead]:
    """Leads that will return within the pool's warning days (for the owner's warning)."""
    start = now - datetime.timedelta(days=pool.return_after_days)
    end = start + datetime.timedelta(days=pool.warn_days_before)
    return _returning(pool, end).filter(followed_up_at__gte=start)
