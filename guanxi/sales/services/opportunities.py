"""Writes for opportunities: create, and stage moves that are concurrency-safe and audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.concurrency import check_version, lock_for_update
from guanxi.core.errors import ServiceValidationError
from guanxi.core.money import MoneyError, default_currency, to_decimal
from guanxi.customers.models import Account, Contact
from guanxi.platform.records import require_editable, require_permission, require_visible
from guanxi.platform.services.audit import audit_record
from guanxi.sales.choices import ForecastCategory, StageOutcome
from guanxi.sales.models import Opportunity, Pipeline, Stage, StageChange
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.pipelines import ensure_default_pipeline

_error = ServiceValidationError.for_field
MAX_AMOUNT = Decimal("999999999999.99")


def clean_amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = to_decimal(value if value not in (None, "") else 0)
    except MoneyError as exc:
        raise _error(field, _("Enter an amount such as 12800.00.")) from exc
    if amount < 0 or amount > MAX_AMOUNT:
        raise _error(field, _("The amount must be between 0 and 999,999,999,999.99."))
    return amount.quantize(Decimal("0.01"))


def _stage_in(pipeline: Pipeline, stage: Stage | None) -> Stage:
    if stage is None:
        first = pipeline.stages.filter(outcome=StageOutcome.OPEN).order_by("position", "pk")
        found = first.first()
        if found is None:
            raise _error("stage", _("This pipeline has no open stage."))
        return found
    if stage.pipeline_id != pipeline.pk:
        raise _error("stage", _("This stage belongs to another pipeline."))
    return stage


def _customer_check(actor: Any, account: Account | None, contact: Contact | None) -> None:
    for record in (account, contact):
        if record is not None:
            if record.deleted_at is not None:
                raise _error(record._meta.model_name or "", _("No such record."))
            require_visible(actor, record)


@transaction.atomic
def opportunity_create(
    *,
    actor: Any,
    name: str,
    amount: Any = 0,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    account: Account | None = None,
    contact: Contact | None = None,
    expected_close: datetime.date | None = None,
    next_step: str = "",
    owner: Any = None,
) -> Opportunity:
    require_permission(actor, SalesPermission.CHANGE_OPPORTUNITIES)
    name = " ".join(str(name or "").split())
    if not name:
        raise _error("name", _("An opportunity needs a name."))
    if len(name) > 200:
        raise _error("name", _("At most %(count)s characters.") % {"count": 200})
    _customer_check(actor, account, contact)
    pipeline = pipeline or ensure_default_pipeline(actor.org_id)
    if pipeline.org_id != actor.org_id:
        raise _error("pipeline", _("No such pipeline."))
    stage = _stage_in(pipeline, stage)
    owner = owner or actor
    now = timezone.now()
    deal = Opportunity.objects.create(
        org_id=actor.org_id,
        owner=owner,
        team_id=owner.team_id,
        name=name,
        pipeline=pipeline,
        stage=stage,
        amount=clean_amount(amount),
        currency=default_currency(),
        account=account,
        contact=contact,
        expected_close=expected_close,
        next_step=" ".join(str(next_step or "").split())[:200],
        stage_entered_at=now,
        closed_at=now if stage.outcome != StageOutcome.OPEN else None,
    )
    StageChange.objects.create(
        opportunity=deal, from_stage=None, to_stage=stage, changed_at=now, changed_by=actor
    )
    audit_record(
        actor=actor,
        verb="sales.opportunity.created",
        target=deal,
        subject=account or contact or deal,
        changes={
            "name": {"before": None, "after": name},
            "amount": {"before": None, "after": str(deal.amount)},
            "stage": {"before": None, "after": stage.name},
        },
    )
    return deal


def require_can_work_on_deal(actor: Any, deal: Opportunity) -> None:
    require_editable(
        actor,
        deal,
        permission=SalesPermission.CHANGE_OPPORTUNITIES,
        read_only=_(
            "This opportunity is shared with you read-only; ask its owner for write access."
        ),
    )


@transaction.atomic
def opportunity_move_stage(
    *, actor: Any, opportunity: Opportunity, stage: Stage, version: int | None
) -> Opportunity:
    """Move a deal to another stage of its pipeline: the row is locked and its version checked,
    so of two people dragging the same card at once, the second is told, not applied."""
    require_can_work_on_deal(actor, opportunity)
    deal = lock_for_update(Opportunity, opportunity)
    check_version(deal, version)
    stage = _stage_in(deal.pipeline, stage)
    if stage.pk == deal.stage_id:
        return deal
    now = timezone.now()
    previous = deal.stage
    entered = deal.stage_entered_at or deal.created_at
    StageChange.objects.create(
        opportunity=deal,
        from_stage=previous,
        to_stage=stage,
        changed_at=now,
        changed_by=actor,
        seconds_in_previous=max(0, int((now - entered).total_seconds())),
    )
    deal.stage = stage
    deal.stage_entered_at = now
    deal.closed_at = now if stage.outcome != StageOutcome.OPEN else None
    deal.version += 1
    deal.save(update_fields=["stage", "stage_entered_at", "closed_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        verb="sales.opportunity.stage_changed",
        target=deal,
        subject=_subject(deal),
        changes={
            "stage": {"before": previous.name, "after": stage.name},
            "version": {"before": deal.version - 1, "after": deal.version},
        },
    )
    return deal


def _subject(deal: Opportunity) -> Any:
    """A deal's events appear on its customer's timeline (company first, else the contact)."""
    if deal.account_id:
        return deal.account
    if deal.contact_id:
        return deal.contact
    return deal


EDITABLE = (
    "name",
    "amount",
    "expected_close",
    "next_step",
    "forecast_category",
    "close_reason",
    "competitor",
)
TEXT_LIMITS = {"next_step": 200, "close_reason": 200, "competitor": 100}


def _cleaned_changes(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise _error(sorted(unknown)[0], _("Unknown field."))
    cleaned = dict(fields)
    if "name" in cleaned:
        cleaned["name"] = " ".join(str(cleaned["name"] or "").split())
        if not cleaned["name"] or len(cleaned["name"]) > 200:
            raise _error("name", _("An opportunity needs a name."))
    if "amount" in cleaned:
        cleaned["amount"] = clean_amount(cleaned["amount"])
    for name, limit in TEXT_LIMITS.items():
        if name in cleaned:
            cleaned[name] = " ".join(str(cleaned[name] or "").split())
            if len(cleaned[name]) > limit:
                raise _error(name, _("At most %(count)s characters.") % {"count": limit})
    if "forecast_category" in cleaned and cleaned["forecast_category"] not in (
        ForecastCategory.values
    ):
        raise _error("forecast_category", _("Choose pipeline, best_case, commit or omitted."))
    return cleaned


@transaction.atomic
def opportunity_update(
    *,
    actor: Any,
    opportunity: Opportunity,
    version: int | None,
    stage: Stage | None = None,
    **fields: Any,
) -> Opportunity:
    """Change a deal's details (name, amount, expected close, next step, forecast category)
    and, when ``stage`` is given, move it; ``version`` is checked once, before either (each is
    its own audited step, so sending both raises the version by two)."""
    require_can_work_on_deal(actor, opportunity)
    cleaned = _cleaned_changes(fields)
    deal = lock_for_update(Opportunity, opportunity)
    check_version(deal, version)
    changes = {}
    for name, value in cleaned.items():
        before = getattr(deal, name)
        if before != value:
            changes[name] = {"before": _plain(before), "after": _plain(value)}
            setattr(deal, name, value)
    if changes:
        deal.version += 1
        deal.save()
        audit_record(
            actor=actor,
            verb="sales.opportunity.updated",
            target=deal,
            subject=_subject(deal),
            changes=changes,
        )
    if stage is not None and stage.pk != deal.stage_id:
        deal = opportunity_move_stage(
            actor=actor, opportunity=deal, stage=stage, version=deal.version
        )
    return deal


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
