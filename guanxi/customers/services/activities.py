"""Writes for activities: notes, calls, meetings and tasks on accounts and contacts."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Account, Activity, Contact
from guanxi.customers.notifications import notify_task_assigned
from guanxi.customers.permissions import CustomerPermission, can_change_activity
from guanxi.customers.services import records
from guanxi.platform.models import User
from guanxi.platform.services.audit import audit_record, diff, snapshot
from guanxi.platform.visibility import can_see

AUDITED_FIELDS = ("kind", "subject", "body", "due_at", "assignee", "done_at", "occurred_at")


_error = ServiceValidationError.for_field


def _subject_of(activity: Activity) -> Contact | Account:
    return activity.contact if activity.contact_id else activity.account  # type: ignore[return-value]


def _check_assignee(actor: Any, assignee: User | None, customer: Contact | Account | None) -> None:
    """A task goes only to a colleague who may see its customer: the task, its notification and
    its reminders would otherwise show a private customer to them."""
    if assignee is None:
        return
    if assignee.org_id != actor.org_id or not assignee.is_active:
        raise _error("assignee", _("The assignee must be an active user of your organisation."))
    if customer is not None and not can_see(assignee, customer):
        raise _error(
            "assignee", _("%(name)s cannot see this customer.") % {"name": assignee.display_name}
        )


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    kind: str,
    subject: str = "",
    body: str = "",
    contact: Contact | None = None,
    account: Account | None = None,
    occurred_at: datetime.datetime | None = None,
    due_at: datetime.datetime | None = None,
    assignee: User | None = None,
) -> Activity:
    records.require_permission(actor, CustomerPermission.ADD_ACTIVITIES)
    if kind not in ActivityKind.values:
        raise _error("kind", _("Choose note, call, meeting or task."))
    if contact is None and account is None:
        raise _error("contact", _("An activity belongs to a contact or an account."))
    for record in (contact, account):
        if record is not None:
            records.require_visible(actor, record)
            if record.deleted_at is not None:
                raise _error("contact", _("This customer has been deleted."))
    if account is None and contact is not None and contact.account_id:
        account = contact.account
    subject, body = " ".join(subject.split())[:200], body.strip()
    if not subject and not body:
        raise _error("body", _("Write something: a subject or details."))
    if len(body) > 20000:
        raise _error("body", _("At most %(count)s characters.") % {"count": 20000})
    if kind == ActivityKind.TASK:
        assignee = assignee or actor
        _check_assignee(actor, assignee, contact or account)
    else:
        due_at, assignee = None, None
    activity = Activity.objects.create(
        org_id=actor.org_id,
        kind=kind,
        subject=subject,
        body=body,
        contact=contact,
        account=account,
        created_by=actor,
        occurred_at=occurred_at or timezone.now(),
        due_at=due_at,
        assignee=assignee,
    )
    audit_record(
        actor=actor,
        verb="customers.activity.created",
        target=activity,
        subject=_subject_of(activity),
        changes=diff({}, snapshot(activity, AUDITED_FIELDS)),
    )
    notify_task_assigned(actor=actor, activity=activity)  # notifications: the assignee hears
    return activity


def _require_can_change(actor: Any, activity: Activity) -> None:
    records.require_visible(actor, _subject_of(activity))
    if not can_change_activity(actor, activity):
        raise PermissionDeniedError(
            _("Only the author, the assignee or an administrator can change this activity.")
        )


@transaction.atomic
def activity_set_done(
    *, actor: Any, activity: Activity, done: bool, version: int | None = None
) -> Activity:
    _require_can_change(actor, activity)
    activity = records.lock_for_update(Activity, activity)
    records.check_version(activity, version)
    if activity.kind != ActivityKind.TASK:
        raise _error("done", _("Only tasks can be marked done."))
    if (activity.done_at is not None) == done:
        return activity
    before = snapshot(activity, AUDITED_FIELDS)
    activity.done_at = timezone.now() if done else None
    activity.version += 1
    activity.save(update_fields=["done_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        verb="customers.activity.completed" if done else "customers.activity.reopened",
        target=activity,
        subject=_subject_of(activity),
        changes=diff(before, snapshot(activity, AUDITED_FIELDS)),
    )
    return activity


@transaction.atomic
def activity_update(
    *, actor: Any, activity: Activity, version: int | None, **fields: Any
) -> Activity:
    _require_can_change(actor, activity)
    activity = records.lock_for_update(Activity, activity)
    records.check_version(activity, version)
    allowed = {"subject", "body", "due_at", "assignee", "occurred_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise _error(sorted(unknown)[0], _("Unknown field."))
    if "assignee" in fields:
        _check_assignee(actor, fields["assignee"], _subject_of(activity))
    if "subject" in fields:
        fields["subject"] = " ".join(str(fields["subject"] or "").split())[:200]
    if "body" in fields:
        fields["body"] = str(fields["body"] or "").strip()
    before = snapshot(activity, AUDITED_FIELDS)
    records.apply_changes(activity, fields)
    if not activity.subject and not activity.body:
        raise _error("body", _("Write something: a subject or details."))
    changes = diff(before, snapshot(activity, AUDITED_FIELDS))
    if not changes:
        return activity
    activity.version += 1
    activity.save()
    audit_record(
        actor=actor,
        verb="customers.activity.updated",
        target=activity,
        subject=_subject_of(activity),
        changes=changes,
    )
    if "assignee" in changes:
        notify_task_assigned(actor=actor, activity=activity)  # notifications: the new assignee
    return activity


@transaction.atomic
def activity_delete(*, actor: Any, activity: Activity) -> None:
    _require_can_change(actor, activity)
    if activity.deleted_at is not None:
        return
    activity.deleted_at = timezone.now()
    activity.version += 1
    activity.save(update_fields=["deleted_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        verb="customers.activity.deleted",
        target=activity,
        subject=_subject_of(activity),
    )
