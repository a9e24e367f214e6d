"""Writes for leads: create, update (version-checked), and conversion into a customer.

Phones and e-mails are cleaned exactly as a contact's (E.164, lower-case), so that a lead can be
matched to the customer it already is and found by the same search keys.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.concurrency import apply_changes, check_version, lock_for_update
from guanxi.core.errors import ConflictError, ServiceValidationError
from guanxi.customers import search
from guanxi.customers.names import sort_key
from guanxi.customers.regions import clean_region_fields
from guanxi.customers.services.contacts import PhoneInput, clean_emails, clean_phones
from guanxi.customers.services.records import (
    clean_record_fields,
    require_can_manage_changes,
)
from guanxi.platform.records import require_editable, require_permission
from guanxi.platform.services.audit import audit_record, diff, snapshot
from guanxi.sales.choices import LeadStatus
from guanxi.sales.models import Lead, LeadSearchToken
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.channels import channel_for

# How long the owner has to answer a new lead before it shows as overdue.
RESPONSE_HOURS = 24
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
EDITABLE_FIELDS = (
    "name",
    "company",
    "title",
    "province",
    "city",
    "district",
    "message",
    "status",
    "disqualified_reason",
    "visibility",
    "owner",
    *UTM_FIELDS,
)
TEXT_LIMITS = {
    "name": 100,
    "company": 200,
    "title": 100,
    "province": 40,
    "city": 40,
    "district": 40,
    "disqualified_reason": 200,
    **dict.fromkeys(UTM_FIELDS, 100),
}
# Free text keeps its line breaks (``clean_record_fields`` does so for "description").
MESSAGE_LIMIT = 10000
_error = ServiceValidationError.for_field


def _clean(actor: Any, fields: dict[str, Any], current: Lead | None = None) -> dict[str, Any]:
    message = fields.pop("message", None)
    cleaned = clean_record_fields(actor, fields, editable=EDITABLE_FIELDS, text_limits=TEXT_LIMITS)
    if message is not None:
        message = str(message).strip()
        if len(message) > MESSAGE_LIMIT:
            raise _error("message", _("At most %(count)s characters.") % {"count": MESSAGE_LIMIT})
        cleaned["message"] = message
    if "name" in cleaned and not cleaned["name"]:
        raise _error("name", _("A lead needs a name."))
    if "status" in cleaned and cleaned["status"] not in LeadStatus.values:
        raise _error("status", _("Unknown status."))
    clean_region_fields(cleaned, current=current)
    return cleaned


def lead_snapshot(lead: Lead) -> dict[str, Any]:
    data = snapshot(lead, EDITABLE_FIELDS)
    data["phones"] = list(lead.phones)
    data["emails"] = list(lead.emails)
    data["source"] = lead.channel.code if lead.channel else ""
    return data


def lead_search_keys(lead: Lead) -> set[str]:
    keys = search.contact_keys(name=lead.name, phones=lead.phones, emails=lead.emails)
    if lead.company:
        keys |= search.text_keys(lead.company)
    return keys


def lead_reindex(lead: Lead) -> None:
    keys = lead_search_keys(lead)
    LeadSearchToken.objects.filter(lead=lead).delete()
    LeadSearchToken.objects.bulk_create(
        [LeadSearchToken(lead=lead, token=key) for key in sorted(keys)]
    )


def _check_disqualification(lead: Lead) -> None:
    if lead.status == LeadStatus.DISQUALIFIED and not lead.disqualified_reason:
        raise _error("disqualified_reason", _("Say why the lead is disqualified."))
    if lead.status != LeadStatus.DISQUALIFIED:
        lead.disqualified_reason = ""


@transaction.atomic
def lead_create(
    *,
    actor: Any,
    name: str,
    phones: Sequence[PhoneInput] = (),
    emails: Sequence[str] = (),
    source: str = "",
    now: datetime.datetime | None = None,
    **fields: Any,
) -> Lead:
    require_permission(actor, SalesPermission.ADD_LEADS)
    cleaned = _clean(actor, {"name": name, **fields})
    return write_lead(
        audit_actor=actor,
        org_id=actor.org_id,
        owner=cleaned.pop("owner", None) or actor,
        cleaned=cleaned,
        phones=phones,
        emails=emails,
        source=source,
        now=now,
    )


def clean_visitor_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """A web visitor's fields, checked as a rep's are (no owner or visibility to give)."""
    return _clean(None, fields)


def write_lead(
    *,
    audit_actor: Any,
    org_id: int,
    owner: Any,
    cleaned: dict[str, Any],
    phones: Sequence[PhoneInput],
    emails: Sequence[str],
    source: str,
    now: datetime.datetime | None = None,
    response_hours: int = RESPONSE_HOURS,
) -> Lead:
    """Write a lead whose fields are cleaned (``_clean``); the caller checked who may.
    ``audit_actor`` is ``None`` for a visitor of a public form."""
    channel = channel_for(org_id, source)
    now = now or timezone.now()
    lead = Lead(org_id=org_id, owner=owner, team_id=owner.team_id, channel=channel, **cleaned)
    lead.phones = [number for number, _kind in clean_phones(phones)]
    lead.emails = clean_emails(emails)
    if not (lead.phones or lead.emails or lead.company):
        raise _error("phones", _("Give a phone number, an e-mail address or a company."))
    _check_disqualification(lead)
    lead.sort_key = sort_key(lead.name)
    lead.respond_by = now + datetime.timedelta(hours=response_hours)
    lead.followed_up_at = now
    lead.save()
    lead_reindex(lead)
    audit_record(
        actor=audit_actor,
        verb="sales.lead.created",
        target=lead,
        changes=diff({}, lead_snapshot(lead)),
    )
    return lead


def require_can_work_on(actor: Any, lead: Lead) -> None:
    """Write access to a lead; one waiting in the pool belongs to nobody until claimed."""
    require_editable(
        actor,
        lead,
        permission=SalesPermission.CHANGE_LEADS,
        read_only=_("This lead is shared with you read-only; ask its owner for write access."),
    )
    if lead.pool_id is not None:
        raise ConflictError(_("This lead is in the pool: claim it first."))


@transaction.atomic
def lead_update(
    *,
    actor: Any,
    lead: Lead,
    version: int | None,
    phones: Sequence[PhoneInput] | None = None,
    emails: Sequence[str] | None = None,
    source: str | None = None,
    **fields: Any,
) -> Lead:
    """A partial change; a converted lead keeps its status (its story continues on the customer)."""
    require_can_work_on(actor, lead)
    lead = lock_for_update(Lead, lead)
    check_version(lead, version)
    cleaned = _clean(actor, fields, current=lead)
    require_can_manage_changes(actor, lead, cleaned)
    if lead.converted_at and cleaned.get("status", lead.status) != lead.status:
        raise _error("status", _("This lead was converted; its status no longer changes."))
    before = lead_snapshot(lead)
    apply_changes(lead, cleaned)
    if "owner" in cleaned:
        lead.team_id = lead.owner.team_id
    if phones is not None:
        lead.phones = [number for number, _kind in clean_phones(phones)]
    if emails is not None:
        lead.emails = clean_emails(emails)
    if source is not None:
        lead.channel = channel_for(lead.org_id, source)
    _check_disqualification(lead)
    lead.sort_key = sort_key(lead.name)
    changes = diff(before, lead_snapshot(lead))
    if not changes:
        return lead
    lead.version += 1
    lead.followed_up_at = timezone.now()
    lead.save()
    if {"name", "company", "phones", "emails"} & changes.keys():
        lead_reindex(lead)
    audit_record(actor=actor, verb="sales.lead.updated", target=lead, changes=changes)
    return lead
