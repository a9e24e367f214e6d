"""A follow-up task for the owner of each customer at risk, at most once per customer a month."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from guanxi.analytics.config import AnalysisConfig
from guanxi.analytics.explain import reason_text
from guanxi.analytics.models import ChurnFollowUp
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Contact
from guanxi.customers.services.activities import activity_create
from guanxi.platform.selectors import system_actor


def _describe(reasons: list[dict[str, Any]]) -> str:
    return "\n".join(f"- {reason_text(reason)}" for reason in reasons)


def churn_follow_ups_create(
    *, actor: Any, org_id: int, as_of: datetime.date, config: AnalysisConfig
) -> int:
    """Create the tasks not created yet this period; returns how many were created."""
    period = as_of.strftime("%Y-%m")
    done = ChurnFollowUp.objects.filter(org_id=org_id, period=period).values("contact_id")
    at_risk = (
        Contact.objects.filter(
            org_id=org_id, deleted_at__isnull=True, pooled_at__isnull=True, score__isnull=False
        )
        .exclude(score__churn_reasons=[])
        .exclude(pk__in=done)
        .select_related("owner", "score")
        .order_by("-score__churn_risk", "-score__historical_value", "id")
    )[
        # A customer waiting in the sales pool has no owner to call it: whoever claims it does.
        : config.follow_up_limit
    ]
    author = system_actor(org_id)  # an administrator, who can see every customer
    created = 0
    for contact in at_risk:
        with transaction.atomic(), override(contact.owner.language or None):
            follow_up = ChurnFollowUp.objects.create(org_id=org_id, contact=contact, period=period)
            task = activity_create(
                actor=author,
                kind=ActivityKind.TASK,
                subject=_("Churn warning: get in touch with %(name)s") % {"name": contact.name},
                body=_describe(contact.score.churn_reasons),
                contact=contact,
                due_at=timezone.now() + datetime.timedelta(days=config.follow_up_due_days),
                assignee=contact.owner,
            )
            follow_up.task = task
            follow_up.save(update_fields=["task"])
            created += 1
    return created
