"""Discount approval: asking the approvers, and their decision.

The request is written on the customer's timeline and sent to the approvers (the managers of the
owner's team, see :func:`approvers_of`); the decision goes back to the quote's owner. A refused
discount stays refused until the rep changes the quote (which asks again when still too large).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.core.concurrency import check_version, lock_for_update
from guanxi.core.errors import ConflictError, PermissionDeniedError
from guanxi.platform.notifications.services.notify import notify, notify_once
from guanxi.platform.records import require_permission, require_visible
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_manage
from guanxi.sales.choices import ApprovalStatus, QuoteStatus
from guanxi.sales.models import Quote
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.discounts import approvers_of

QUOTE_APPROVAL = "sales.quote_approval"
QUOTE_DECIDED = "sales.quote_decided"


def request_approval(*, actor: Any, quote: Quote) -> None:
    audit_record(
        actor=actor,
        verb="sales.quote.approval_requested",
        target=quote,
        subject=quote.timeline_subject,
        changes={"discount": {"before": None, "after": str(quote.max_discount_percent)}},
    )
    notify_once(
        occurrence=f"quote-approval:{quote.pk}@{quote.version}",
        kind=QUOTE_APPROVAL,
        recipients=approvers_of(quote),
        actor=actor,
        title=gettext_noop("Approve a %(discount)s%% discount on quote %(number)s"),
        body=gettext_noop("%(owner)s asks; total %(total)s %(currency)s"),
        params={
            "discount": f"{quote.max_discount_percent.normalize():f}",
            "number": quote.label,
            "owner": quote.owner.display_name,
            "total": str(quote.total),
            "currency": quote.currency,
        },
        url=reverse("quote-detail", args=[quote.public_id]),
        subject_type="sales.quote",
        subject_id=quote.pk,
    )


def can_approve(user: Any, quote: Quote) -> bool:
    return bool(
        user.has_role_permission(SalesPermission.APPROVE_DISCOUNTS)
        and can_manage(user, quote)
        and (user.pk != quote.owner_id or user.is_administrator)
    )


@transaction.atomic
def quote_decide_discount(
    *, actor: Any, quote: Quote, approve: bool, note: str = "", version: int | None = None
) -> Quote:
    """Approve or refuse the discount of a quote waiting for approval. ``version``: the one the
    approver looked at, so a discount raised meanwhile is not approved unseen."""
    require_visible(actor, quote)
    require_permission(actor, SalesPermission.APPROVE_DISCOUNTS)
    quote = lock_for_update(Quote, quote)
    if not can_approve(actor, quote):
        raise PermissionDeniedError(
            _("Only a manager of the quote owner's team may approve its discount.")
        )
    check_version(quote, version)
    if quote.status != QuoteStatus.DRAFT or quote.approval != ApprovalStatus.PENDING:
        raise ConflictError(_("This quote is not waiting for approval."))
    quote.approval = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    quote.approved_by = actor
    quote.approval_note = " ".join(str(note or "").split())[:200]
    quote.version += 1
    quote.save(update_fields=["approval", "approved_by", "approval_note", "version", "updated_at"])
    audit_record(
        actor=actor,
        verb="sales.quote.approved" if approve else "sales.quote.refused",
        target=quote,
        subject=quote.timeline_subject,
        changes={
            "approval": {"before": ApprovalStatus.PENDING, "after": quote.approval},
            "note": {"before": None, "after": quote.approval_note},
        },
    )
    notify(
        kind=QUOTE_DECIDED,
        recipients=[quote.owner],
        actor=actor,
        title=gettext_noop("Discount on quote %(number)s approved")
        if approve
        else gettext_noop("Discount on quote %(number)s refused"),
        body=gettext_noop("%(approver)s: %(note)s"),
        params={
            "number": quote.label,
            "approver": actor.display_name,
            "note": quote.approval_note or "—",
        },
        url=reverse("quote-detail", args=[quote.public_id]),
        subject_type="sales.quote",
        subject_id=quote.pk,
    )
    return quote
