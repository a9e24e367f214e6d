"""Sales records that audit rows may name: a deal's, quote's, lead's, promise's or visit's event
on a customer's timeline (or in the audit trail) shows only to those who may see that record."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from guanxi.platform.audit_visibility import register_audit_subject, register_audit_target
from guanxi.platform.visibility import visible_filter
from guanxi.sales.models import Commitment, Lead, Opportunity, Quote, Visit

OWNED = (Opportunity, Quote, Lead, Commitment, Visit)


def _visible_ids(model: Any) -> Any:
    def visible(user: Any) -> QuerySet[Any]:
        # Deleted ones included: their history stays readable to those who could see them.
        return model.objects.filter(visible_filter(user, model)).values("pk")

    return visible


def register() -> None:
    for model in OWNED:
        register_audit_target(model._meta.label_lower, _visible_ids(model))
    # Events of a deal without a customer are filed under the deal itself.
    register_audit_subject(Opportunity._meta.label_lower, _visible_ids(Opportunity))
    register_audit_subject(Quote._meta.label_lower, _visible_ids(Quote))
