"""Reads of the customer pool: which pools a rep may take from, and what the pool shows of each
customer waiting there — name, place, level, masked phones; nothing a rep could call or write to
before claiming it (the customer itself stays withheld until then)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFoundError
from guanxi.customers.models import Account, Contact
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.sales.masking import mask_phone
from guanxi.sales.models import Pool, PooledCustomer
from guanxi.sales.pool_clock import field_of

KIND_MODELS: dict[str, Any] = {"contact": Contact, "account": Account}
VISIBLE = {"contact": contacts_visible_to, "account": accounts_visible_to}


def claimable_pools(user: Any) -> QuerySet[Pool]:
    pools = Pool.objects.filter(org_id=user.org_id)
    if user.is_administrator:
        return pools
    return pools.filter(Q(teams__isnull=True) | Q(teams__pk=user.team_id)).distinct()


def _seen_by(user: Any) -> QuerySet[PooledCustomer]:
    """Deleted customers are no one's to claim: an administrator restores them first."""
    return (
        PooledCustomer.objects.filter(org_id=user.org_id)
        .filter(Q(pool__in=claimable_pools(user).values("pk")) | Q(previous_owner_id=user.pk))
        .exclude(contact__deleted_at__isnull=False)
        .exclude(account__deleted_at__isnull=False)
    )


def pooled_contact_ids(user: Any, ids: set[int]) -> set[int]:
    """Which of these contacts wait in a pool ``user`` takes from (a lead import skips them:
    they are customers already, to be claimed rather than entered again)."""
    rows = _seen_by(user).filter(contact_id__in=ids)
    return set(rows.values_list("contact_id", flat=True))


def pool_entries(user: Any, pool: Pool | None = None) -> QuerySet[PooledCustomer]:
    """Customers waiting in the pools ``user`` takes from (and those the user let go)."""
    entries = _seen_by(user)
    if pool is not None:
        entries = entries.filter(pool=pool)
    return entries.select_related(
        "pool", "previous_owner", "contact", "contact__score", "account"
    ).prefetch_related("contact__phones")


def claimable_from(user: Any, entry: PooledCustomer) -> datetime.datetime | None:
    if entry.previous_owner_id != user.pk:
        return None
    return entry.pooled_at + datetime.timedelta(days=entry.pool.reclaim_after_days)


def entry_row(user: Any, entry: PooledCustomer, now: datetime.datetime) -> dict[str, Any]:
    customer: Any = entry.customer
    contact = entry.contact
    score = getattr(contact, "score", None) if contact is not None else None
    waits_until = claimable_from(user, entry)
    return {
        "kind": "contact" if contact is not None else "account",
        "id": customer.public_id,
        "name": customer.name,
        "province": customer.province,
        "city": customer.city,
        "phones": [mask_phone(p.number) for p in contact.phones.all()] if contact else [],
        "level": score.grid_cell if score is not None else "",
        "pool": entry.pool.name,
        "pooled_at": entry.pooled_at,
        "released": entry.released,
        "previous_owner": entry.previous_owner.display_name,
        "may_claim": waits_until is None or waits_until <= now,
        "claimable_from": waits_until,
    }


def pooled_customer(user: Any, kind: str, public_id: uuid.UUID) -> Any:
    """A customer waiting in a pool ``user`` sees, or ``None``."""
    model = KIND_MODELS[kind]
    entry = _seen_by(user).filter(**{f"{field_of(model)}__public_id": public_id}).first()
    if entry is None:
        return None
    return model.objects.filter(pk=getattr(entry, f"{field_of(model)}_id")).first()


def pooled_or_visible(user: Any, kind: str, public_id: uuid.UUID) -> Any:
    """The customer a pool action names: in a pool the user sees, else among the customers the
    user sees (where a claim is refused as "not in the pool"); 404 for any other."""
    if kind not in VISIBLE:
        raise NotFoundError(_("No such customer."))
    visible = VISIBLE[kind](user)
    record = pooled_customer(user, kind, public_id) or visible.filter(public_id=public_id).first()
    if record is None:
        raise NotFoundError(_("No such customer."))
    return record
