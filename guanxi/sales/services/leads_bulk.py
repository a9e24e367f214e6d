"""Writing many new leads at once (imports): the same cleaning as ``lead_create``, row by row,
then a handful of bulk inserts — leads, their search keys, one audit event each — instead of
some ten queries a lead.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.bulk import insert_rows, reserve_ids
from guanxi.core.errors import ServiceValidationError
from guanxi.customers.names import sort_key
from guanxi.customers.services.contacts import clean_emails
from guanxi.customers.services.imported import AUDIT_COLUMNS, created_event
from guanxi.platform.models import AuditEvent
from guanxi.platform.services.audit import diff
from guanxi.sales.models import Channel, Lead, LeadSearchToken
from guanxi.sales.services.channels import channel_for
from guanxi.sales.services.leads import (
    RESPONSE_HOURS,
    clean_visitor_fields,
    lead_search_keys,
    lead_snapshot,
)


@dataclass
class NewLead:
    """A lead ready to be checked and written; ``phones`` already in E.164."""

    name: str
    phones: list[str]
    emails: list[str]
    source: str
    owner: Any
    fields: dict[str, Any] = field(default_factory=dict)  # company, title, address, message, utm_*


def lead_checked(new: NewLead) -> NewLead:
    """Clean as ``lead_create`` does (texts, regions, e-mails, something to reach them by);
    raises ``ServiceValidationError`` naming the field."""
    cleaned = clean_visitor_fields({"name": new.name, **new.fields})
    new.name = cleaned.pop("name")
    new.fields = cleaned
    new.emails = clean_emails(new.emails)
    if not (new.phones or new.emails or new.fields.get("company")):
        raise ServiceValidationError.for_field(
            "phones", _("Give a phone number, an e-mail address or a company.")
        )
    return new


# Every column but the key, in the model's order; JSON columns are written as JSON text.
_FIELDS = [f for f in Lead._meta.concrete_fields if not f.primary_key]
_COLUMNS: tuple[str, ...] = ("id", *(str(f.column) for f in _FIELDS))


def _row(pk: int, lead: Lead) -> tuple[Any, ...]:
    values: list[Any] = [pk]
    for column in _FIELDS:
        value = getattr(lead, column.attname)
        if isinstance(column, models.JSONField):
            value = json.dumps(value, ensure_ascii=False)
        values.append(value)
    return tuple(values)


def leads_insert(
    *, actor: Any, leads: Sequence[NewLead], now: datetime.datetime | None = None
) -> list[int]:
    """Write checked leads (``lead_checked``) inside the caller's transaction; their keys."""
    now = now or timezone.now()
    channels: dict[str, Channel | None] = {}
    ids = reserve_ids(Lead, len(leads))
    rows: list[tuple[Any, ...]] = []
    tokens: list[tuple[int, str]] = []
    events: list[Any] = []
    for pk, new in zip(ids, leads, strict=True):
        if new.source not in channels:
            channels[new.source] = channel_for(actor.org_id, new.source)
        lead = Lead(
            pk=pk,
            org_id=actor.org_id,
            owner=new.owner,
            team_id=new.owner.team_id,
            channel=channels[new.source],
            name=new.name,
            sort_key=sort_key(new.name),
            phones=new.phones,
            emails=new.emails,
            respond_by=now + datetime.timedelta(hours=RESPONSE_HOURS),
            followed_up_at=now,
            created_at=now,
            updated_at=now,
            **new.fields,
        )
        rows.append(_row(pk, lead))
        tokens.extend((pk, key) for key in sorted(lead_search_keys(lead)))
        changes = diff({}, lead_snapshot(lead))
        events.append(created_event(actor, "sales.lead", pk, lead.name, changes, now))
    insert_rows(Lead, _COLUMNS, rows)
    insert_rows(LeadSearchToken, ("lead_id", "token"), tokens)
    insert_rows(AuditEvent, AUDIT_COLUMNS, events)
    return ids
