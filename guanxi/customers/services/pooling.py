"""The customers' side of the sales pool (公海): a customer goes in, and comes out with a new owner.

Sales decides when a customer returns and who may claim it (rules, caps, locks, the audit
trail); these services change only the customer's own row, so that no other domain writes the
customers' tables. While ``pooled_at`` is set, ``platform.visibility`` withholds the record from
everyone but administrators. The caller holds the row lock and writes the audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F

from guanxi.customers.models import Account, Contact
from guanxi.platform.models import RecordCollaborator

Customer = Contact | Account


def customers_to_pool(model: Any, pks: list[int], *, now: datetime.datetime) -> None:
    """Many at once, for the pool's hourly job (the caller holds the row locks)."""
    model.objects.filter(pk__in=pks).update(pooled_at=now, version=F("version") + 1, updated_at=now)


def customer_from_pool(record: Customer, *, owner: Any, now: datetime.datetime) -> list[str]:
    """The claiming rep becomes the owner (and the owner's team the record's team). Colleagues
    the last owner had shared it with lose that access: the new owner decides who shares it.
    Answers the usernames of those colleagues."""
    shared = RecordCollaborator.objects.filter(
        record_type=record._meta.label_lower, record_id=record.pk
    )
    removed = sorted(shared.values_list("user__username", flat=True))
    shared.delete()
    type(record).objects.filter(pk=record.pk).update(
        pooled_at=None,
        owner=owner,
        team_id=owner.team_id,
        version=F("version") + 1,
        updated_at=now,
    )
    return removed
