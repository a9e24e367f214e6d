"""The people on a deal and their part in the decision (decision maker, influencer, user,
gatekeeper): B2B purchases are decided by several people, and whoever picks up the deal must
know who they are."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.models import Contact
from guanxi.platform.records import require_visible
from guanxi.platform.services.audit import audit_record
from guanxi.sales.choices import DealRole
from guanxi.sales.models import DealContact, Opportunity
from guanxi.sales.services.opportunities import require_can_work_on_deal

MAX_PEOPLE = 50


@transaction.atomic
def deal_contact_set(
    *, actor: Any, opportunity: Opportunity, contact: Contact, role: str
) -> DealContact:
    """Add the person to the deal with this role, or change their role."""
    require_can_work_on_deal(actor, opportunity)
    require_visible(actor, contact)
    if contact.deleted_at is not None or contact.org_id != opportunity.org_id:
        raise ServiceValidationError.for_field("contact_id", _("No such contact."))
    if role not in DealRole.values:
        raise ServiceValidationError.for_field(
            "role", _("Choose decision_maker, influencer, user, gatekeeper or other.")
        )
    deal = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    row = DealContact.objects.filter(opportunity=deal, contact=contact).first()
    before = row.role if row else None
    if row is None:
        if DealContact.objects.filter(opportunity=deal).count() >= MAX_PEOPLE:
            raise ServiceValidationError.for_field(
                "contact_id", _("At most %(count)s people on a deal.") % {"count": MAX_PEOPLE}
            )
        row = DealContact.objects.create(opportunity=deal, contact=contact, role=role)
    elif row.role != role:
        row.role = role
        row.save(update_fields=["role"])
    else:
        return row
    audit_record(
        actor=actor,
        verb="sales.opportunity.contact_set",
        target=deal,
        subject=contact,
        changes={"role": {"before": before, "after": role}},
    )
    return row


@transaction.atomic
def deal_contact_remove(*, actor: Any, opportunity: Opportunity, contact: Contact) -> None:
    require_can_work_on_deal(actor, opportunity)
    row = DealContact.objects.filter(opportunity=opportunity, contact=contact).first()
    if row is None:
        return
    row.delete()
    audit_record(
        actor=actor,
        verb="sales.opportunity.contact_removed",
        target=opportunity,
        subject=contact,
        changes={"role": {"before": row.role, "after": None}},
    )
