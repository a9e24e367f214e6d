"""Writing quotes: create one priced from the customer's price books, change a draft, revise a
sent one into a new revision. Sending, approval and the customer's answer are in
:mod:`quote_flow`.

A quote whose discount goes beyond its owner's limit asks for approval as soon as it is written
(and again whenever its discounts change), so the approver hears of it before the rep tries to
send it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.concurrency import check_version, lock_for_update
from guanxi.core.errors import ConflictError, ServiceValidationError
from guanxi.core.money import default_currency
from guanxi.customers.models import Account, Contact
from guanxi.platform.records import require_editable, require_permission, require_visible
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_see
from guanxi.sales.choices import ApprovalStatus, QuoteStatus
from guanxi.sales.models import Opportunity, Quote, QuoteCounter, QuoteLine
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.discounts import beyond_limit, discount_limit_for
from guanxi.sales.services.opportunities import require_can_work_on_deal
from guanxi.sales.services.quote_approval import can_approve, request_approval
from guanxi.sales.services.quote_lines import (
    QuoteLineInput,
    clean_percent,
    priced_lines,
    reprice_totals,
    set_totals,
)

_error = ServiceValidationError.for_field
DEFAULT_VALIDITY = datetime.timedelta(days=30)
MAX_NOTE = 2000


def next_number(org_id: int, day: datetime.date) -> str:
    """``Q2026-00001``: the year's counter row is locked, so two quotes never share a number."""
    QuoteCounter.objects.get_or_create(org_id=org_id, year=day.year)
    QuoteCounter.objects.filter(org_id=org_id, year=day.year).update(last=F("last") + 1)
    last = QuoteCounter.objects.get(org_id=org_id, year=day.year).last
    return f"Q{day.year}-{last:05d}"


def _customer(
    actor: Any, opportunity: Opportunity | None, account: Account | None, contact: Contact | None
) -> tuple[Account | None, Contact | None]:
    if opportunity is not None:
        require_can_work_on_deal(actor, opportunity)
        if opportunity.closed_at is not None:
            raise _error("opportunity_id", _("This opportunity is closed."))
        # The deal's customers the rep may see: a hidden one is left off the quote, not named.
        account = opportunity.account
        contact = opportunity.contact
        if account is not None and not can_see(actor, account):
            account = None
        if contact is not None and not can_see(actor, contact):
            contact = None
    for record in (account, contact):
        if record is not None:
            require_visible(actor, record)
            if record.deleted_at is not None:
                raise _error("customer", _("No such customer."))
    if account is None and contact is not None and contact.account_id:
        company = contact.account
        account = company if company and can_see(actor, company) else None
    if account is None and contact is None:
        raise _error("customer", _("Quote an opportunity, a company or a contact."))
    return account, contact


def _valid_until(value: datetime.date | None, today: datetime.date) -> datetime.date:
    if value is None:
        return today + DEFAULT_VALIDITY
    if value < today:
        raise _error("valid_until", _("The validity date has passed."))
    return value


def _write_lines(quote: Quote, lines: Sequence[QuoteLineInput]) -> list[QuoteLine]:
    built = priced_lines(
        org_id=quote.org_id,
        lines=lines,
        contact=quote.contact,
        account=quote.account,
        day=timezone.localdate(),
        overall_percent=quote.discount_percent,
    )
    set_totals(quote, built)
    for line in built:
        line.quote = quote
    return built


def set_approval(quote: Quote, editor: Any) -> None:
    """After a write: whether the discount now on the quote needs approval. Judged against the
    limit of whoever set it and of the quote's owner; a manager who may approve this quote and
    sets a discount beyond the owner's limit approves it by doing so."""
    over_editor = beyond_limit(quote, editor)
    over_owner = beyond_limit(quote, quote.owner)
    quote.approval_note = ""
    if not (over_editor or over_owner):
        quote.approval, quote.approved_by = ApprovalStatus.NOT_NEEDED, None
    elif not over_editor and discount_limit_for(editor) is None and can_approve(editor, quote):
        quote.approval, quote.approved_by = ApprovalStatus.APPROVED, editor
    else:
        quote.approval, quote.approved_by = ApprovalStatus.PENDING, None


@transaction.atomic
def quote_create(
    *,
    actor: Any,
    lines: Sequence[QuoteLineInput],
    opportunity: Opportunity | None = None,
    account: Account | None = None,
    contact: Contact | None = None,
    discount_percent: Decimal | int | str = Decimal(0),
    valid_until: datetime.date | None = None,
    note: str = "",
) -> Quote:
    require_permission(actor, SalesPermission.CHANGE_OPPORTUNITIES)
    account, contact = _customer(actor, opportunity, account, contact)
    today = timezone.localdate()
    quote = Quote(
        org_id=actor.org_id,
        owner=actor,
        team_id=actor.team_id,
        opportunity=opportunity,
        account=account,
        contact=contact,
        discount_percent=clean_percent(discount_percent, "discount_percent"),
        currency=default_currency(),
        valid_until=_valid_until(valid_until, today),
        note=str(note or "").strip()[:MAX_NOTE],
    )
    built = _write_lines(quote, lines)
    set_approval(quote, actor)
    quote.number = next_number(actor.org_id, today)
    quote.save()
    QuoteLine.objects.bulk_create(built)
    audit_record(
        actor=actor,
        verb="sales.quote.created",
        target=quote,
        subject=quote.timeline_subject,
        changes={
            "number": {"before": None, "after": quote.label},
            "total": {"before": None, "after": str(quote.total)},
            "approval": {"before": None, "after": quote.approval},
        },
    )
    if quote.approval == ApprovalStatus.PENDING:
        request_approval(actor=actor, quote=quote)
    return quote


def require_can_work_on_quote(actor: Any, quote: Quote) -> None:
    require_editable(
        actor,
        quote,
        permission=SalesPermission.CHANGE_OPPORTUNITIES,
        read_only=_("This quote is shared with you read-only; ask its owner for write access."),
    )


@transaction.atomic
def quote_update(
    *,
    actor: Any,
    quote: Quote,
    version: int | None,
    lines: Sequence[QuoteLineInput] | None = None,
    discount_percent: Decimal | None = None,
    valid_until: datetime.date | None = None,
    note: str | None = None,
) -> Quote:
    """Change a draft (a sent quote is revised instead: the customer has seen it)."""
    require_can_work_on_quote(actor, quote)
    quote = lock_for_update(Quote, quote)
    check_version(quote, version)
    if quote.status != QuoteStatus.DRAFT:
        raise ConflictError(_("Only a draft can be changed; revise the sent quote instead."))
    before = {"total": str(quote.total), "approval": quote.approval}
    approved_up_to = (
        quote.max_discount_percent if quote.approval == ApprovalStatus.APPROVED else None
    )
    if discount_percent is not None:
        quote.discount_percent = clean_percent(discount_percent, "discount_percent")
    if valid_until is not None:
        quote.valid_until = _valid_until(valid_until, timezone.localdate())
    if note is not None:
        quote.note = str(note).strip()[:MAX_NOTE]
    asked_up_to = quote.max_discount_percent
    if lines is not None:
        built = _write_lines(quote, lines)
    else:
        # The lines stay as priced: a note or a date changes no price; an overall discount
        # recomputes the totals from the prices already on the quote.
        built = list(quote.lines.select_related("product"))
        reprice_totals(quote, built)
    # An approval covers the discount it saw: a smaller one keeps it, a larger one asks again.
    if approved_up_to is None or quote.max_discount_percent > approved_up_to:
        set_approval(quote, actor)
    quote.version += 1
    quote.save()
    if lines is not None:
        quote.lines.all().delete()
        QuoteLine.objects.bulk_create(built)
    else:
        QuoteLine.objects.bulk_update(built, ["tax_amount", "total_amount"])
    audit_record(
        actor=actor,
        verb="sales.quote.updated",
        target=quote,
        subject=quote.timeline_subject,
        changes={
            "total": {"before": before["total"], "after": str(quote.total)},
            "approval": {"before": before["approval"], "after": quote.approval},
            "version": {"before": quote.version - 1, "after": quote.version},
        },
    )
    asks_more = quote.max_discount_percent > asked_up_to
    if quote.approval == ApprovalStatus.PENDING and (
        before["approval"] != ApprovalStatus.PENDING or asks_more
    ):
        request_approval(actor=actor, quote=quote)
    return quote


@transaction.atomic
def quote_revise(*, actor: Any, quote: Quote) -> Quote:
    """A new draft revision of a sent, rejected or expired quote under the same number, with the
    same lines priced afresh; the old revision is kept, marked superseded."""
    require_can_work_on_quote(actor, quote)
    old = lock_for_update(Quote, quote)
    if old.status in (QuoteStatus.DRAFT, QuoteStatus.ACCEPTED, QuoteStatus.SUPERSEDED):
        raise ConflictError(_("Only a sent, rejected or expired quote can be revised."))
    today = timezone.localdate()
    new = Quote(
        org_id=old.org_id,
        owner=old.owner,
        team_id=old.team_id,
        visibility=old.visibility,
        number=old.number,
        revision=old.revision + 1,
        opportunity=old.opportunity,
        account=old.account,
        contact=old.contact,
        discount_percent=old.discount_percent,
        currency=old.currency,
        valid_until=max(old.valid_until, today + DEFAULT_VALIDITY),
        note=old.note,
    )
    lines = [
        QuoteLineInput(line.product, line.quantity, line.discount_percent)
        for line in old.lines.select_related("product")
    ]
    built = _write_lines(new, lines)
    set_approval(new, actor)
    new.save()
    QuoteLine.objects.bulk_create(built)
    before = old.status
    old.status = QuoteStatus.SUPERSEDED
    old.version += 1
    old.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        verb="sales.quote.revised",
        target=new,
        subject=new.timeline_subject,
        changes={
            "revision": {"before": old.revision, "after": new.revision},
            "status": {"before": before, "after": QuoteStatus.SUPERSEDED},
        },
    )
    if new.approval == ApprovalStatus.PENDING:
        request_approval(actor=actor, quote=new)
    return new
