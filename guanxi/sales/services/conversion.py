"""Converting a lead into a customer, in one transaction.

The lead becomes a contact (and a company when it names one) — or is linked to the contact and
company it already is, found among the customers the converting user may see by its phone
numbers and e-mails, or given explicitly — and, when asked, an opportunity. Its history moves to
the customer's timeline. Converting twice is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.concurrency import lock_for_update
from guanxi.core.errors import ConflictError
from guanxi.customers.models import Account, Contact, ContactEmail, ContactPhone
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent
from guanxi.platform.records import require_permission
from guanxi.platform.services.audit import audit_record
from guanxi.sales.choices import LeadStatus
from guanxi.sales.models import Lead, Opportunity
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.leads import require_can_work_on
from guanxi.sales.services.opportunities import clean_amount, opportunity_create


@dataclass(frozen=True)
class Conversion:
    lead: Lead
    contact: Contact
    account: Account | None
    opportunity: Opportunity | None


def existing_contact(actor: Any, lead: Lead) -> Contact | None:
    """The oldest visible contact that has one of the lead's numbers or addresses."""
    visible = contacts_visible_to(actor)
    by_phone = ContactPhone.objects.filter(number__in=lead.phones, contact__in=visible)
    by_email = ContactEmail.objects.filter(email__in=lead.emails, contact__in=visible)
    ids = set(by_phone.values_list("contact_id", flat=True)) | set(
        by_email.values_list("contact_id", flat=True)
    )
    return visible.filter(pk__in=ids).order_by("pk").first() if ids else None


def existing_account(actor: Any, name: str) -> Account | None:
    if not name:
        return None
    return accounts_visible_to(actor).filter(name=name).order_by("pk").first()


@transaction.atomic
def lead_convert(
    *,
    actor: Any,
    lead: Lead,
    create_opportunity: bool = False,
    opportunity_name: str = "",
    amount: Any = None,
    contact: Contact | None = None,
    account: Account | None = None,
) -> Conversion:
    require_can_work_on(actor, lead)
    require_permission(actor, SalesPermission.CONVERT_LEADS)
    lead = lock_for_update(Lead, lead)
    if lead.converted_at is not None:
        raise ConflictError(_("This lead was already converted."))
    if lead.status == LeadStatus.DISQUALIFIED:
        raise ConflictError(_("A disqualified lead cannot be converted; qualify it first."))
    if create_opportunity:
        clean_amount(amount)  # refused before anything is written
    contact = contact or existing_contact(actor, lead)
    if account is None and contact is not None and contact.account_id:
        # Only a company the user may see: a visible contact never names a hidden one.
        account = accounts_visible_to(actor).filter(pk=contact.account_id).first()
    if account is None:
        account = existing_account(actor, lead.company)
    if account is None and lead.company:
        account = account_create(
            actor=actor,
            name=lead.company,
            province=lead.province,
            city=lead.city,
            district=lead.district,
        )
    if contact is None:
        contact = contact_create(
            actor=actor,
            name=lead.name,
            phones=lead.phones,
            emails=lead.emails,
            title=lead.title,
            account=account,
            source=lead.channel.name if lead.channel else "",
            province=lead.province,
            city=lead.city,
            district=lead.district,
            description=lead.message,
        )
    opportunity = None
    if create_opportunity:
        opportunity = opportunity_create(
            actor=actor,
            name=opportunity_name or lead.company or lead.name,
            amount=amount,
            account=account,
            contact=contact,
        )
    # The lead's own story continues on the customer's timeline.
    AuditEvent.objects.filter(
        target_type=Lead._meta.label_lower, target_id=lead.pk, subject_type="sales.lead"
    ).update(subject_type=Contact._meta.label_lower, subject_id=contact.pk)
    before_status = lead.status
    lead.status = LeadStatus.QUALIFIED
    lead.converted_at = timezone.now()
    lead.contact, lead.account, lead.opportunity = contact, account, opportunity
    lead.version += 1
    lead.save()
    audit_record(
        actor=actor,
        verb="sales.lead.converted",
        target=lead,
        subject=contact,
        changes={
            "status": {"before": before_status, "after": lead.status},
            "contact": {"before": None, "after": contact.name},
        },
    )
    return Conversion(lead=lead, contact=contact, account=account, opportunity=opportunity)
