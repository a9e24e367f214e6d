"""How far each rep may discount on their own, and who approves beyond it.

The limit is the rep's own when an administrator set one, else the organisation's, else
``DEFAULT_DISCOUNT_LIMIT``. Whoever may approve discounts needs no approval for their own quotes.
Approvers of a quote: the managers of its owner's team who may approve; when the team has none,
the administrators.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.platform.models import User
from guanxi.platform.records import require_permission
from guanxi.platform.roles import Permission
from guanxi.platform.services.audit import audit_record
from guanxi.sales.models import DiscountLimit, Quote
from guanxi.sales.permissions import SalesPermission

DEFAULT_DISCOUNT_LIMIT = Decimal(10)


def discount_limit_for(user: Any) -> Decimal | None:
    """``None``: no limit (the user approves discounts)."""
    if user.has_role_permission(SalesPermission.APPROVE_DISCOUNTS):
        return None
    limits: dict[int | None, Decimal] = dict(
        DiscountLimit.objects.filter(
            Q(user_id=user.pk) | Q(user__isnull=True), org_id=user.org_id
        ).values_list("user_id", "limit_percent")
    )
    return limits.get(user.pk, limits.get(None, DEFAULT_DISCOUNT_LIMIT))


def beyond_limit(quote: Quote, person: Any) -> bool:
    limit = discount_limit_for(person)
    return limit is not None and quote.max_discount_percent > limit


def approvers_of(quote: Quote) -> list[User]:
    """The managers of the owner's team who may approve; else the administrators."""
    managers = quote.team.managers.filter(is_active=True) if quote.team else User.objects.none()
    allowed = [
        person
        for person in managers.order_by("pk")
        if person.pk != quote.owner_id
        and person.has_role_permission(SalesPermission.APPROVE_DISCOUNTS)
    ]
    if allowed:
        return allowed
    everyone = User.objects.filter(org_id=quote.org_id, is_active=True).order_by("pk")
    return [person for person in everyone if person.is_administrator]


@transaction.atomic
def discount_limit_set(*, actor: Any, limit_percent: Decimal, user: Any = None) -> DiscountLimit:
    """The organisation's default limit (``user`` None) or one rep's (administrators)."""
    require_permission(actor, Permission.MANAGE_USERS)
    if not Decimal(0) <= limit_percent <= Decimal(100):
        raise ServiceValidationError.for_field("limit_percent", _("A percentage from 0 to 100."))
    if user is not None and user.org_id != actor.org_id:
        raise ServiceValidationError.for_field("user", _("No such user."))
    row, _created = DiscountLimit.objects.update_or_create(
        org_id=actor.org_id,
        user=user,
        defaults={"limit_percent": limit_percent},
    )
    audit_record(
        actor=actor,
        verb="sales.discount_limit.set",
        target=row,
        changes={"limit_percent": {"before": None, "after": str(limit_percent)}},
    )
    return row
