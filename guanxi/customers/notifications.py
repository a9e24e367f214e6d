"""What the customers app tells people: tasks assigned, tasks falling due, customers handed over.

Registered from ``CustomersConfig.ready()``. Messages are English templates marked with
``gettext_noop``; each reader sees them in their own language (guanxi.platform.notifications).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Activity
from guanxi.platform.handover import AFTER_HANDOVER, HandoverResult
from guanxi.platform.notifications.kinds import Channel, NotificationKind, channels, register_kind
from guanxi.platform.notifications.services.notify import notify, notify_once
from guanxi.platform.schedule import MinuteJob, register_minute_job
from guanxi.platform.visibility import can_see

TASK_ASSIGNED = "customers.task_assigned"
TASK_DUE = "customers.task_due"
HANDED_OVER = "customers.handed_over"
# A task that fell due longer ago than this is not announced (a worker that was off for weeks
# should not flood anyone with stale reminders).
DUE_LOOKBACK = datetime.timedelta(days=1)
DUE_BATCH = 500


def register() -> None:
    for kind in (
        NotificationKind(
            key=TASK_ASSIGNED,
            label=_("A task is assigned to me"),
            default_channels=channels(Channel.IN_APP, Channel.EMAIL),
            group_bot=False,
        ),
        NotificationKind(
            key=TASK_DUE,
            label=_("One of my tasks falls due"),
            default_channels=channels(Channel.IN_APP, Channel.EMAIL),
            group_bot=False,
        ),
        NotificationKind(
            key=HANDED_OVER,
            label=_("Customers are handed over to me"),
            default_channels=channels(Channel.IN_APP, Channel.EMAIL),
        ),
    ):
        register_kind(kind)
    register_minute_job(MinuteJob(key="customers.task_due", run=notify_due_tasks))
    if notify_handover not in AFTER_HANDOVER:
        AFTER_HANDOVER.append(notify_handover)


def _customer_url(activity: Activity) -> str:
    if activity.contact_id:
        return reverse("contact-detail", args=[activity.contact.public_id])  # type: ignore[union-attr]
    return reverse("account-detail", args=[activity.account.public_id])  # type: ignore[union-attr]


def _customer_name(activity: Activity) -> str:
    return str(activity.contact if activity.contact_id else activity.account)


def notify_task_assigned(*, actor: Any, activity: Activity) -> None:
    """Tell an open task's assignee, unless they assigned it to themselves."""
    if not activity.is_open_task or activity.assignee is None:
        return
    notify(
        kind=TASK_ASSIGNED,
        recipients=[activity.assignee],
        actor=actor,
        title=gettext_noop("%(actor)s assigned you a task: %(task)s"),
        body=gettext_noop("Customer: %(customer)s"),
        params={
            "actor": getattr(actor, "display_name", ""),
            "task": activity.subject or activity.body[:80],
            "customer": _customer_name(activity),
        },
        url=_customer_url(activity),
        subject_type="customers.activity",
        subject_id=activity.pk,
    )


def notify_due_tasks(now: datetime.datetime, previous: datetime.datetime | None) -> int:
    """The minute job: each open task that fell due since the last run, once per due time."""
    since = max(previous or now - DUE_LOOKBACK, now - DUE_LOOKBACK)
    due = (
        Activity.objects.filter(
            kind=ActivityKind.TASK,
            done_at__isnull=True,
            deleted_at__isnull=True,
            assignee__isnull=False,
            due_at__gt=since,
            due_at__lte=now,
        )
        .select_related("assignee", "contact", "account")
        .order_by("due_at", "pk")
        .iterator(chunk_size=DUE_BATCH)
    )
    sent = 0
    for task in due:
        customer = task.contact if task.contact_id else task.account
        if customer is None or not can_see(task.assignee, customer):
            continue  # the customer was made private since: no reminder that names it
        sent += len(
            notify_once(
                occurrence=f"activity:{task.pk}@{task.due_at.isoformat()}",  # type: ignore[union-attr]
                kind=TASK_DUE,
                recipients=[task.assignee],
                actor=None,
                title=gettext_noop("Task due: %(task)s"),
                body=gettext_noop("Customer: %(customer)s"),
                params={"task": task.subject or task.body[:80], "customer": _customer_name(task)},
                url=_customer_url(task),
                subject_type="customers.activity",
                subject_id=task.pk,
            )
        )
    return sent


def notify_handover(result: HandoverResult) -> None:
    """An after-handover callback: tell each new owner what came to them, and from whom."""
    for owner in result.to_users:
        counts = result.counts_by_owner.get(owner.pk, {})
        if not any(counts.values()):
            continue
        notify(
            kind=HANDED_OVER,
            recipients=[owner],
            actor=result.actor,
            title=gettext_noop("%(previous)s's customers were handed over to you"),
            body=gettext_noop(
                "Now yours: %(accounts)s accounts, %(contacts)s contacts, %(tasks)s open tasks."
            ),
            params={
                "previous": result.from_user.display_name,
                "accounts": counts.get("accounts", 0),
                "contacts": counts.get("contacts", 0),
                "tasks": counts.get("tasks", 0),
            },
            url=f"{reverse('contact-list')}?owner={owner.pk}",
        )
