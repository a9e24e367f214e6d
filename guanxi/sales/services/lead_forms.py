"""Web-to-lead forms: defining one, and a visitor's submission.

A submission comes from the open internet, so it is checked before anything is written: a
hidden field that people never see but form-filling robots do (filled: answered as a success,
kept as a "trap", no lead made); at most ``RATE_LIMIT`` submissions per address in
``RATE_WINDOW`` (then 429 with the seconds to wait); the visitor's name and a phone or an e-mail,
each refusal on its field in the visitor's language. The lead's owner is the one the assignment
rules pick, else the form's, and the owner must answer within the form's hours.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFoundError, RateLimitedError, ServiceValidationError
from guanxi.customers.services.records import resolve_owner
from guanxi.platform.records import require_permission
from guanxi.platform.services.audit import audit_record
from guanxi.sales.models import LeadForm, LeadFormSubmission
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.assignment import owner_by_rules
from guanxi.sales.services.channels import channel_for
from guanxi.sales.services.leads import clean_visitor_fields, write_lead

RATE_LIMIT = 5
RATE_WINDOW = datetime.timedelta(minutes=10)
HONEYPOT = "website"  # the hidden field's name: robots fill a field called "website"
SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed by hand
_error = ServiceValidationError.for_field


def _new_slug() -> str:
    while True:
        slug = "".join(secrets.choice(SLUG_ALPHABET) for _ in range(10))
        if not LeadForm.objects.filter(slug=slug).exists():
            return slug


@transaction.atomic
def lead_form_create(
    *,
    actor: Any,
    name: str,
    source: str = "web_form",
    owner: Any = None,
    ask_company: bool = True,
    ask_message: bool = True,
    thank_you: str = "",
    response_hours: int = 24,
) -> LeadForm:
    require_permission(actor, SalesPermission.MANAGE_LEAD_FORMS)
    name = " ".join(str(name or "").split())
    if not name:
        raise _error("name", _("A form needs a name."))
    if len(name) > 100:
        raise _error("name", _("At most %(count)s characters.") % {"count": 100})
    owner = resolve_owner(actor, owner)
    if not owner.has_role_permission(SalesPermission.ADD_LEADS):
        raise _error("owner", _("The owner's role may not receive leads."))
    if not 1 <= response_hours <= 24 * 30:
        raise _error("response_hours", _("Between 1 hour and 30 days (720 hours)."))
    thank_you = " ".join(str(thank_you or "").split())
    if len(thank_you) > 300:
        raise _error("thank_you", _("At most %(count)s characters.") % {"count": 300})
    channel = channel_for(actor.org_id, source or "web_form")
    assert channel is not None  # a code was given, so a channel or a refusal
    form = LeadForm.objects.create(
        org_id=actor.org_id,
        name=name,
        slug=_new_slug(),
        channel=channel,
        owner=owner,
        ask_company=ask_company,
        ask_message=ask_message,
        thank_you=thank_you,
        response_hours=response_hours,
    )
    audit_record(
        actor=actor,
        verb="sales.lead_form.created",
        target=form,
        changes={
            "name": {"before": None, "after": name},
            "slug": {"before": None, "after": form.slug},
        },
    )
    return form


def active_form(slug: str) -> LeadForm:
    form = (
        LeadForm.objects.filter(slug=str(slug)[:60], active=True)
        .select_related("owner", "channel")
        .first()
    )
    if form is None:
        raise NotFoundError(_("This form does not exist or is closed."))
    return form


@dataclass(frozen=True)
class Submitted:
    message: str
    lead_id: int | None


def confirmation(form: LeadForm) -> str:
    return form.thank_you or _("Thank you! We will get back to you shortly.")


def _check_rate(address: str | None, now: datetime.datetime) -> None:
    if not address:
        return
    recent = LeadFormSubmission.objects.filter(
        address=address, submitted_at__gt=now - RATE_WINDOW
    ).order_by("submitted_at")
    times = list(recent.values_list("submitted_at", flat=True)[:RATE_LIMIT])
    if len(times) >= RATE_LIMIT:
        wait = int((times[0] + RATE_WINDOW - now).total_seconds()) + 1
        raise RateLimitedError(
            _("Too many submissions from your address. Try again in %(minutes)s minutes.")
            % {"minutes": max(1, (wait + 59) // 60)},
            retry_after=max(1, wait),
        )


def _visitor_fields(form: LeadForm, data: dict[str, Any]) -> dict[str, Any]:
    def text(key: str) -> str:
        value = data.get(key)
        return "" if value is None else str(value)

    fields: dict[str, Any] = {"name": text("name")}
    if form.ask_company:
        fields["company"] = text("company")
    if form.ask_message:
        fields["message"] = text("message")
    errors: dict[str, list[str]] = {}
    if not fields["name"].strip():
        errors["name"] = [_("Please tell us your name.")]
    if not (text("phone").strip() or text("email").strip()):
        errors["phone"] = [_("Leave a phone number or an e-mail address so we can answer.")]
    if errors:
        raise ServiceValidationError(_("Some fields are not valid."), field_errors=errors)
    return fields


@transaction.atomic
def lead_form_submit(
    *,
    slug: str,
    data: dict[str, Any],
    address: str | None,
    now: datetime.datetime | None = None,
) -> Submitted:
    form = active_form(slug)
    now = now or timezone.now()
    _check_rate(address, now)
    if str(data.get(HONEYPOT) or "").strip():
        LeadFormSubmission.objects.create(
            form=form, address=address, submitted_at=now, outcome="trap"
        )
        return Submitted(confirmation(form), None)
    phone, email = str(data.get("phone") or "").strip(), str(data.get("email") or "").strip()
    try:
        fields = clean_visitor_fields(_visitor_fields(form, data))
        owner = owner_by_rules(form.org_id, fields.get("province") or "") or form.owner
        lead = write_lead(
            audit_actor=None,
            org_id=form.org_id,
            owner=owner,
            cleaned={**fields, **_utm(data)},
            phones=[phone] if phone else [],
            emails=[email] if email else [],
            source=form.channel.code,
            now=now,
            response_hours=form.response_hours,
        )
    except ServiceValidationError as exc:
        raise _on_visitor_fields(exc) from None
    LeadFormSubmission.objects.create(
        form=form, address=address, submitted_at=now, lead=lead, outcome="created"
    )
    return Submitted(confirmation(form), lead.pk)


# The service names a lead's lists ("phones.0"); the visitor filled in one "phone".
_VISITOR_FIELD = {"phones.0": "phone", "phones": "phone", "emails.0": "email", "emails": "email"}


def _on_visitor_fields(error: ServiceValidationError) -> ServiceValidationError:
    errors = {_VISITOR_FIELD.get(key, key): texts for key, texts in error.field_errors.items()}
    return ServiceValidationError(error.message, field_errors=errors)


def _utm(data: dict[str, Any]) -> dict[str, str]:
    """UTM parameters the embedding page passed along (cut to the column's length)."""
    keys = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
    return {key: " ".join(str(data.get(key) or "").split())[:100] for key in keys if data.get(key)}
