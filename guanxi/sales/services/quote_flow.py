"""A quote's life after it is written: sent (once its discount is approved), then accepted (an
order is recorded and the deal is won), rejected, or expired when its validity date passes.

Sending reports the other open quotes of the customer that price a product differently
(:mod:`guanxi.sales.quote_conflicts`): the quote is still sent — the rep may have a reason —
but the warning is on record in the audit event and in the answer.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.commerce.services.orders import SoldLine, order_record_sale
from guanxi.core.concurrency import check_version, lock_for_update
from guanxi.core.errors import ConflictError, ServiceValidationError
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_see
from guanxi.sales.choices import ApprovalStatus, QuoteStatus, StageOutcome
from guanxi.sales.models import Opportunity, Quote
from guanxi.sales.quote_conflicts import Conflict, price_conflicts
from guanxi.sales.services.discounts import beyond_limit
from guanxi.sales.services.opportunities import opportunity_update
from guanxi.sales.services.quote_approval import request_approval
from guanxi.sales.services.quotes import require_can_work_on_quote


def _status_change(actor: Any, quote: Quote, verb: str, before: str, **extra: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=quote,
        subject=quote.timeline_subject,
        changes={"status": {"before": before, "after": quote.status}, **extra},
    )


def quote_send(
    *, actor: Any, quote: Quote, version: int | None = None
) -> tuple[Quote, list[Conflict]]:
    """Mark the quote sent. Refused (409) while its discount waits for approval or was refused;
    a discount beyond the sender's or owner's limit that nobody approved (the limit was lowered,
    the quote changed hands) is put to the approvers first, and that request is kept."""
    require_can_work_on_quote(actor, quote)
    with transaction.atomic():
        quote = lock_for_update(Quote, quote)
        check_version(quote, version)
        if quote.status != QuoteStatus.DRAFT:
            raise ConflictError(_("This quote has been sent already."))
        newly_asked = quote.approval == ApprovalStatus.NOT_NEEDED and (
            beyond_limit(quote, actor) or beyond_limit(quote, quote.owner)
        )
        if newly_asked:
            quote.approval = ApprovalStatus.PENDING
            quote.version += 1
            quote.save(update_fields=["approval", "version", "updated_at"])
            request_approval(actor=actor, quote=quote)
        refusal = _approval_refusal(quote)
        if refusal is None:
            return _send(actor, quote)
    # Outside the transaction: an approval request made above is kept.
    raise refusal


def _approval_refusal(quote: Quote) -> ConflictError | None:
    if quote.approval == ApprovalStatus.PENDING:
        return ConflictError(
            _(
                "The discount of %(discount)s%% is waiting for a manager's approval; the quote "
                "can be sent once it is approved."
            )
            % {"discount": f"{quote.max_discount_percent.normalize():f}"}
        )
    if quote.approval == ApprovalStatus.REFUSED:
        return ConflictError(
            _("The discount was refused; lower it (or ask again) before sending the quote.")
        )
    return None


def _send(actor: Any, quote: Quote) -> tuple[Quote, list[Conflict]]:
    if quote.valid_until < timezone.localdate():
        raise ServiceValidationError.for_field(
            "valid_until", _("The validity date has passed; set a new one before sending.")
        )
    conflicts = price_conflicts(actor, quote)
    quote.status = QuoteStatus.SENT
    quote.sent_at = timezone.now()
    quote.version += 1
    quote.save(update_fields=["status", "sent_at", "version", "updated_at"])
    _status_change(
        actor,
        quote,
        "sales.quote.sent",
        QuoteStatus.DRAFT,
        price_conflicts={"before": None, "after": len(conflicts)},
    )
    return quote, conflicts


def _won_stage(deal: Opportunity) -> Any:
    return deal.pipeline.stages.filter(outcome=StageOutcome.WON).order_by("position").first()


@transaction.atomic
def quote_accept(*, actor: Any, quote: Quote, version: int | None = None) -> Quote:
    """The customer said yes: the quote becomes an order (so analytics and loyalty count the
    sale) and its open deal is won at the quote's amount before tax."""
    require_can_work_on_quote(actor, quote)
    quote = lock_for_update(Quote, quote)
    check_version(quote, version)
    if quote.status == QuoteStatus.ACCEPTED:
        raise ConflictError(_("This quote has been accepted already."))
    if quote.status != QuoteStatus.SENT:
        raise ConflictError(_("Only a sent quote can be accepted."))
    if quote.valid_until < timezone.localdate():
        raise ConflictError(_("This quote has expired; revise it and send it again."))
    deal = quote.opportunity
    contact = quote.contact
    if contact is None and deal is not None and deal.contact is not None:
        contact = deal.contact if can_see(actor, deal.contact) else None
    lines = [
        SoldLine(line.product, line.description, line.quantity, line.total_amount)
        for line in quote.lines.select_related("product")
    ]
    order = order_record_sale(
        actor=actor,
        external_id=quote.label,
        lines=lines,
        contact=contact,
        account=quote.account,
        currency=quote.currency,
        channel="quote",
    )
    quote.status = QuoteStatus.ACCEPTED
    quote.decided_at = timezone.now()
    quote.order = order
    quote.version += 1
    quote.save(update_fields=["status", "decided_at", "order", "version", "updated_at"])
    _status_change(actor, quote, "sales.quote.accepted", QuoteStatus.SENT)
    if deal is not None and deal.closed_at is None and deal.deleted_at is None:
        won = _won_stage(deal)
        if won is not None:
            opportunity_update(
                actor=actor,
                opportunity=deal,
                version=None,
                stage=won,
                amount=quote.total - quote.tax_total,
            )
    return quote


@transaction.atomic
def quote_reject(
    *, actor: Any, quote: Quote, reason: str = "", version: int | None = None
) -> Quote:
    require_can_work_on_quote(actor, quote)
    quote = lock_for_update(Quote, quote)
    check_version(quote, version)
    if quote.status != QuoteStatus.SENT:
        raise ConflictError(_("Only a sent quote can be rejected."))
    quote.status = QuoteStatus.REJECTED
    quote.decided_at = timezone.now()
    quote.decision_reason = " ".join(str(reason or "").split())[:200]
    quote.version += 1
    quote.save(update_fields=["status", "decided_at", "decision_reason", "version", "updated_at"])
    _status_change(
        actor,
        quote,
        "sales.quote.rejected",
        QuoteStatus.SENT,
        reason={"before": None, "after": quote.decision_reason},
    )
    return quote


def quotes_expire(now: datetime.datetime, _previous: datetime.datetime | None) -> int:
    """The hourly job: sent quotes whose validity date has passed become expired."""
    today = timezone.localdate(now)
    expired = 0
    due = Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=today).order_by("pk")
    for quote in due.select_related("account", "contact").iterator(chunk_size=500):
        with transaction.atomic():
            changed = Quote.objects.filter(pk=quote.pk, status=QuoteStatus.SENT).update(
                status=QuoteStatus.EXPIRED, version=F("version") + 1, updated_at=now
            )
            if changed:
                quote.status = QuoteStatus.EXPIRED
                _status_change(None, quote, "sales.quote.expired", QuoteStatus.SENT)
                expired += changed
    return expired
