"""Removing soft-deleted customers for good once their restore window has passed (or sooner).

What becomes of the rows that point at a purged customer is decided by the module that owns them,
through :mod:`guanxi.customers.registry`: the notes and tasks a purged company shares with a live
contact stay on the contact, orders stay without their customer, and a module may refuse.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.customers.models import Account, Contact
from guanxi.customers.registry import Counts, CustomerKind, CustomerRef, Refused, run_purge
from guanxi.platform.models import Organization
from guanxi.platform.services.audit import audit_record

PURGE_BATCH = 500
MAX_LISTED_REFUSALS = 100
PURGED_KINDS: tuple[tuple[CustomerKind, type[models.Model]], ...] = (
    ("contact", Contact),
    ("account", Account),
)
PURGE_VERB_LABELS = {
    "customers.contact.purged": gettext_noop("Contact removed for good"),
    "customers.account.purged": gettext_noop("Account removed for good"),
    "customers.purge.finished": gettext_noop("Deleted customers removed"),
}


@dataclass
class PurgeTotals:
    """What one run did, in one organisation or in all; ``as_dict`` is what callers receive."""

    contacts: int = 0
    accounts: int = 0
    related: dict[str, Counts] = field(default_factory=dict)
    refusals: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0

    def add(self, kind: CustomerKind, related: dict[str, Counts]) -> None:
        if kind == "contact":
            self.contacts += 1
        else:
            self.accounts += 1
        for label, counts in related.items():
            mine = self.related.setdefault(label, {})
            for outcome, count in counts.items():
                mine[outcome] = mine.get(outcome, 0) + count

    def refuse(self, kind: CustomerKind, pk: int, reason: str) -> None:
        self.refused += 1
        if len(self.refusals) < MAX_LISTED_REFUSALS:
            self.refusals.append({"type": f"customers.{kind}", "id": pk, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {
            "contacts": self.contacts,
            "accounts": self.accounts,
            "refused": self.refused,
            "related": {
                label: dict(sorted(counts.items()))
                for label, counts in sorted(self.related.items())
            },
            "refusals": list(self.refusals),
        }


def _actor_in(actor: Any, org_id: int) -> Any:
    """An actor acts in its own organisation only; elsewhere the run is the system's."""
    return actor if getattr(actor, "org_id", None) == org_id else None


def _purge_one(record: Any, kind: CustomerKind, actor: Any) -> dict[str, Counts]:
    """Every registered module handles its rows, then the record goes, audited with the counts.

    One savepoint: when a module refuses, nothing of this record's purge stays.
    """
    customer = CustomerRef(kind=kind, pk=record.pk, org_id=record.org_id)
    with transaction.atomic():
        related = run_purge(customer)
        audit_record(
            actor=_actor_in(actor, record.org_id),
            verb=f"customers.{kind}.purged",
            target=record,
            changes=related,
        )
        type(record)._default_manager.filter(pk=record.pk).delete()
    return related


def _audit_runs(actor: Any, days: int, per_org: dict[int, PurgeTotals]) -> None:
    if getattr(actor, "org_id", None) is not None:
        per_org.setdefault(actor.org_id, PurgeTotals())
    organizations = Organization.objects.in_bulk(list(per_org))
    with transaction.atomic():
        for org_id, totals in sorted(per_org.items()):
            audit_record(
                actor=_actor_in(actor, org_id),
                verb="customers.purge.finished",
                target=organizations[org_id],
                changes={"days": days, **totals.as_dict()},
                org_id=org_id,
            )


def require_purger(actor: Any) -> None:
    """Purging sooner than the restore window loses what people could still restore: an
    administrator's decision. The daily run (no actor) purges only past the window."""
    if actor is not None and not actor.is_administrator:
        raise PermissionDeniedError(_("Only administrators may remove deleted customers for good."))


def customers_purge_deleted(
    *, actor: Any = None, days: int | None = None, now: Any = None
) -> dict[str, Any]:
    """Remove accounts and contacts deleted ``days`` or more ago (default: the restore window).

    Works in batches, each in its own transaction, so a purge of many records never holds a long
    lock and can simply be run again after a failure. Each purged record gets an audit event with
    the counts of what happened to the rows pointing at it; the run gets one per organisation.
    """
    require_purger(actor)
    days = settings.GUANXI_SOFT_DELETE_DAYS if days is None else days
    if days < 0:
        raise ServiceValidationError.for_field("days", _("The number of days cannot be negative."))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    overall = PurgeTotals()
    per_org: dict[int, PurgeTotals] = defaultdict(PurgeTotals)
    for kind, model in PURGED_KINDS:
        after = 0
        while True:
            with transaction.atomic():
                batch: list[Any] = list(
                    model._default_manager.select_for_update()
                    .filter(deleted_at__lte=cutoff, pk__gt=after)
                    .order_by("pk")
                    .only("pk", "org_id", "name")[:PURGE_BATCH]
                )
                for record in batch:
                    try:
                        related = _purge_one(record, kind, actor)
                    except Refused as refusal:
                        for totals in (overall, per_org[record.org_id]):
                            totals.refuse(kind, record.pk, refusal.message)
                        continue
                    for totals in (overall, per_org[record.org_id]):
                        totals.add(kind, related)
            if not batch:
                break
            after = batch[-1].pk
    _audit_runs(actor, days, per_org)
    return overall.as_dict()
