"""Writes for commitments: record a promise, then close it as kept, broken or cancelled.

Each change is an audit event whose subject is the customer, so promises sit on the customer's
timeline beside calls and orders; a broken one counts as a churn signal (``churn.py``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.concurrency import check_version, lock_for_update
from guanxi.core.errors import ServiceValidationError
from guanxi.customers.models import Contact
from guanxi.customers.services.records import resolve_owner
from guanxi.platform.records import require_editable, require_permission, require_visible
from guanxi.platform.services.audit import audit_record
from guanxi.sales.models import Commitment, CommitmentStatus
from guanxi.sales.permissions import SalesPermission

MAX_DESCRIPTION = 1000
_error = ServiceValidationError.for_field


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    contact: Contact,
    description: str,
    due_at: datetime.datetime,
    owner: Any = None,
) -> Commitment:
    require_permission(actor, SalesPermission.RECORD_COMMITMENTS)
    require_visible(actor, contact)
    if contact.deleted_at is not None:
        raise _error("contact_id", _("No such record."))
    description = str(description or "").strip()
    if not description:
        raise _error("description", _("Say what was promised."))
    if len(description) > MAX_DESCRIPTION:
        raise _error("description", _("At most %(count)s characters.") % {"count": MAX_DESCRIPTION})
    if due_at.utcoffset() is None:
        raise _error("due_at", _("Give the time with its zone, e.g. 2026-12-31T18:00:00+08:00."))
    owner = resolve_owner(actor, owner)
    commitment = Commitment.objects.create(
        org_id=actor.org_id,
        owner=owner,
        team_id=owner.team_id,
        contact=contact,
        description=description,
        due_at=due_at,
    )
    audit_record(
        actor=actor,
        verb="sales.commitment.created",
        target=commitment,
        subject=contact,
        changes={
            "description": {"before": None, "after": description},
            "due_at": {"before": None, "after": due_at.isoformat()},
            "owner": {"before": None, "after": owner.username},
        },
    )
    return commitment


@transaction.atomic
def commitment_close(
    *, actor: Any, commitment: Commitment, status: str, version: int | None
) -> Commitment:
    require_editable(
        actor,
        commitment,
        permission=SalesPermission.RECORD_COMMITMENTS,
        read_only=_("This commitment is shared with you read-only; ask its owner."),
    )
    if status not in (CommitmentStatus.KEPT, CommitmentStatus.BROKEN, CommitmentStatus.CANCELLED):
        raise _error("status", _("Close a commitment as kept, broken or cancelled."))
    commitment = lock_for_update(Commitment, commitment)
    check_version(commitment, version)
    if commitment.status != CommitmentStatus.OPEN:
        raise _error("status", _("This commitment is already closed."))
    before = commitment.status
    commitment.status = status
    commitment.closed_at = timezone.now()
    commitment.version += 1
    commitment.save(update_fields=["status", "closed_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        verb=f"sales.commitment.{status}",
        target=commitment,
        subject=commitment.contact or commitment,
        changes={"status": {"before": before, "after": status}},
    )
    return commitment
