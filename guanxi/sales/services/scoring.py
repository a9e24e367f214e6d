"""Writing scoring rules (administrators)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.platform.records import require_permission
from guanxi.platform.services.audit import audit_record
from guanxi.sales.models import LeadScoringRule, ScoringField, ScoringKind
from guanxi.sales.permissions import SalesPermission

_error = ServiceValidationError.for_field


@transaction.atomic
def scoring_rule_create(
    *, actor: Any, label: str, kind: str, field: str, points: int, contains: str = ""
) -> LeadScoringRule:
    require_permission(actor, SalesPermission.MANAGE_ASSIGNMENT)
    label = " ".join(str(label or "").split())
    if not label or len(label) > 100:
        raise _error("label", _("A rule needs a label of at most 100 characters."))
    if kind not in ScoringKind.values:
        raise _error("kind", _("Choose fit or engagement."))
    if field not in ScoringField.values:
        raise _error("field", _("Unknown field."))
    if not -100 <= points <= 100:
        raise _error("points", _("From -100 to 100 points."))
    contains = " ".join(str(contains or "").split())[:100]
    rule = LeadScoringRule.objects.create(
        org_id=actor.org_id, label=label, kind=kind, field=field, contains=contains, points=points
    )
    audit_record(
        actor=actor,
        verb="sales.scoring_rule.created",
        target=rule,
        changes={
            "label": {"before": None, "after": label},
            "points": {"before": None, "after": points},
        },
    )
    return rule
