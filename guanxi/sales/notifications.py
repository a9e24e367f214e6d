"""What sales tells people: a promise to a customer has fallen overdue (to its owner and the
owner's team managers, once per due time).

Registered from ``SalesConfig.ready()``; messages are English templates marked with
``gettext_noop``, shown in each reader's language.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from guanxi.platform.notifications.kinds import Channel, NotificationKind, channels, register_kind
from guanxi.platform.notifications.services.notify import notify_once
from guanxi.platform.schedule import MinuteJob, register_minute_job
from guanxi.platform.visibility import can_see
from guanxi.sales.models import Commitment, CommitmentStatus

COMMITMENT_OVERDUE = "sales.commitment_overdue"
# A promise that fell due longer ago than this is not announced (after a long outage).
LOOKBACK = datetime.timedelta(days=1)


def register() -> None:
    register_kind(
        NotificationKind(
            key=COMMITMENT_OVERDUE,
            label=_("A promise to a customer is overdue (mine or my team's)"),
            default_channels=channels(Channel.IN_APP, Channel.EMAIL),
            group_bot=False,  # names a customer and what was promised
        )
    )
    register_minute_job(MinuteJob(key="sales.commitment_overdue", run=notify_overdue_commitments))


def notify_overdue_commitments(now: datetime.datetime, previous: datetime.datetime | None) -> int:
    """The minute job: each open commitment that fell due since the last run."""
    since = max(previous or now - LOOKBACK, now - LOOKBACK)
    due = (
        Commitment.objects.filter(
            status=CommitmentStatus.OPEN,
            deleted_at__isnull=True,
            contact__isnull=False,
            due_at__gt=since,
            due_at__lte=now,
        )
        .select_related("owner", "contact", "team")
        .order_by("due_at", "pk")
    )
    sent = 0
    for item in due.iterator(chunk_size=500):
        customer = item.contact
        if customer is None:
            continue
        managers = list(item.team.managers.filter(is_active=True)) if item.team else []
        # Only people who may see the customer are told about it (and never twice).
        recipients = [
            person
            for person in {item.owner.pk: item.owner, **{m.pk: m for m in managers}}.values()
            if can_see(person, customer)
        ]
        if not recipients:
            continue
        sent += len(
            notify_once(
                occurrence=f"commitment:{item.pk}@{item.due_at.isoformat()}",
                kind=COMMITMENT_OVERDUE,
                recipients=recipients,
                actor=None,
                title=gettext_noop("Promise overdue: %(description)s"),
                body=gettext_noop("Customer: %(customer)s · promised by %(owner)s"),
                params={
                    "description": item.description[:80],
                    "customer": customer.name,
                    "owner": item.owner.display_name,
                },
                url=reverse("contact-detail", args=[customer.public_id]),
                subject_type="sales.commitment",
                subject_id=item.pk,
            )
        )
    return sent
