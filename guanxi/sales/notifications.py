"""What sales tells people: a promise to a customer has fallen overdue (to its owner and the
owner's team managers, once per due time).

Registered from ``SalesConfig.ready()``; messages are English templates marked with
``gettext_noop``, shown in each reader's language.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from guanxi.platform.notifications.kinds import Channel, NotificationKind, channels, register_kind
from guanxi.platform.notifications.services.notify import notify_once
from guanxi.platform.schedule import MinuteJob, register_minute_job
from guanxi.platform.visibility import can_see
from guanxi.sales.daily_brief import SALES_BRIEF, send_daily_briefs
from guanxi.sales.models import Commitment, CommitmentStatus, Pool
from guanxi.sales.pool_clock import CUSTOMER_MODELS, field_of, returning_soon, returns_on
from guanxi.sales.services.pool_customers import customers_return_to_pools
from guanxi.sales.services.pools import leads_return_to_pools, leads_returning_soon
from guanxi.sales.services.quote_approval import QUOTE_APPROVAL, QUOTE_DECIDED
from guanxi.sales.services.quote_flow import quotes_expire

COMMITMENT_OVERDUE = "sales.commitment_overdue"
LEAD_RETURNING = "sales.lead_returning"
CUSTOMER_RETURNING = "sales.customer_returning"
# A promise that fell due longer ago than this is not announced (after a long outage).
LOOKBACK = datetime.timedelta(days=1)
# A customer that came within a pool's warning days longer ago than this is not looked at again.
WARN_LOOKBACK = datetime.timedelta(days=1)


def register() -> None:
    register_kind(
        NotificationKind(
            key=COMMITMENT_OVERDUE,
            label=_("A promise to a customer is overdue (mine or my team's)"),
            default_channels=channels(Channel.IN_APP, Channel.EMAIL),
            group_bot=False,  # names a customer and what was promised
        )
    )
    register_kind(
        NotificationKind(
            key=LEAD_RETURNING,
            label=_("One of my leads will soon return to the pool"),
            default_channels=channels(Channel.IN_APP),
            group_bot=False,
        )
    )
    register_kind(
        NotificationKind(
            key=CUSTOMER_RETURNING,
            label=_("One of my customers will soon return to the pool"),
            default_channels=channels(Channel.IN_APP),
            group_bot=False,
        )
    )
    register_kind(
        NotificationKind(
            key=QUOTE_APPROVAL,
            label=_("A discount on a quote waits for my approval"),
            default_channels=channels(Channel.IN_APP, Channel.EMAIL),
            group_bot=False,
        )
    )
    register_kind(
        NotificationKind(
            key=QUOTE_DECIDED,
            label=_("A manager approved or refused the discount on my quote"),
            default_channels=channels(Channel.IN_APP),
            group_bot=False,
        )
    )
    register_kind(
        NotificationKind(
            key=SALES_BRIEF,
            label=_("The daily sales brief of my team"),
            default_channels=channels(Channel.IN_APP, Channel.GROUP_BOT),
            group_bot=True,  # figures and reps' names only, no customer
        )
    )
    register_minute_job(MinuteJob(key="sales.daily_brief", run=send_daily_briefs, every_minutes=60))
    register_minute_job(MinuteJob(key="sales.quotes_expire", run=quotes_expire, every_minutes=60))
    register_minute_job(MinuteJob(key="sales.commitment_overdue", run=notify_overdue_commitments))
    register_minute_job(
        MinuteJob(key="sales.pool_warnings", run=warn_returning_leads, every_minutes=60)
    )
    register_minute_job(
        MinuteJob(key="sales.pool_returns", run=leads_return_to_pools, every_minutes=60)
    )
    register_minute_job(
        MinuteJob(
            key="sales.customer_pool_warnings", run=warn_returning_customers, every_minutes=60
        )
    )
    register_minute_job(
        MinuteJob(
            key="sales.customer_pool_returns", run=customers_return_to_pools, every_minutes=60
        )
    )


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


def warn_returning_leads(now: datetime.datetime, _previous: datetime.datetime | None) -> int:
    """Tell each owner, once per follow-up, that a lead will go back to the pool unless they
    follow it up before the day it returns."""
    sent = 0
    for pool in Pool.objects.order_by("pk"):
        soon = leads_returning_soon(pool, now).select_related("owner")
        for lead in soon.iterator(chunk_size=500):
            followed = lead.followed_up_at
            if followed is None:
                continue
            returns = followed + datetime.timedelta(days=pool.return_after_days)
            sent += len(
                notify_once(
                    occurrence=f"lead-return:{lead.pk}@{followed.isoformat()}",
                    kind=LEAD_RETURNING,
                    recipients=[lead.owner],
                    actor=None,
                    title=gettext_noop("%(lead)s returns to the pool on %(date)s"),
                    body=gettext_noop("Follow the lead up before then to keep it."),
                    params={"lead": lead.name, "date": returns.date().isoformat()},
                    url=reverse("lead-detail", args=[lead.public_id]),
                    subject_type="sales.lead",
                    subject_id=lead.pk,
                )
            )
    return sent


def warn_returning_customers(now: datetime.datetime, previous: datetime.datetime | None) -> int:
    """Tell each owner, once per return date, that a customer goes back to the pool on that day
    unless they follow it up (a follow-up moves the date, and a new warning comes in time).

    Only the customers that came within the warning days since the job's previous run are
    looked at (each one's date costs a few queries; the window holds thousands)."""
    sent = 0
    since = max(previous or now - WARN_LOOKBACK, now - WARN_LOOKBACK)
    for pool in Pool.objects.filter(rules__isnull=False).distinct().order_by("pk"):
        for model in CUSTOMER_MODELS:
            soon = returning_soon(pool, model, now, since=since).select_related("owner")
            for record in soon.iterator(chunk_size=500):
                returns = returns_on(pool, record, now)
                if returns is None:
                    continue
                field = field_of(model)
                sent += len(
                    notify_once(
                        occurrence=f"{field}-return:{record.pk}@{returns.isoformat()}",
                        kind=CUSTOMER_RETURNING,
                        recipients=[record.owner],
                        actor=None,
                        title=gettext_noop("%(customer)s returns to the pool on %(date)s"),
                        body=gettext_noop("Follow the customer up before then to keep it."),
                        params={
                            "customer": record.name,
                            "date": timezone.localdate(returns).isoformat(),
                        },
                        url=reverse(f"{field}-detail", args=[record.public_id]),
                        subject_type=model._meta.label_lower,
                        subject_id=record.pk,
                    )
                )
    return sent
