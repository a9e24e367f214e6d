"""What the customers app hands over when a colleague leaves: accounts, contacts, open tasks.

Accounts move first, so that a contact can follow its account's new owner and a task the new
owner of its customer; what has no such owner among the targets is spread round-robin. Deleted
records stay where they are (they are not work anyone must pick up); whoever restores one can
change its owner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Account, Activity, Contact
from guanxi.platform.handover import (
    Handover,
    HandoverKind,
    register_handover_kind,
    register_team_follower,
)
from guanxi.platform.handover_moves import (
    locked_ids,
    move_owned_records,
    owned_by,
    records_follow_owner_team,
)
from guanxi.platform.models import User
from guanxi.platform.services.audit import audit_record
from guanxi.platform.verbs import register_verb_labels
from guanxi.platform.visibility import can_see

VERB_LABELS = {
    "customers.account.handed_over": gettext_noop("Account handed over"),
    "customers.contact.handed_over": gettext_noop("Contact handed over"),
    "customers.activity.handed_over": gettext_noop("Task handed over"),
}


def _open_tasks(user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(
        org_id=user.org_id,
        assignee=user,
        kind=ActivityKind.TASK,
        done_at__isnull=True,
        deleted_at__isnull=True,
    )


def move_accounts(handover: Handover) -> dict[int, int]:
    return move_owned_records(
        handover,
        owned_by(Account, handover.from_user),
        "customers.account.handed_over",
        lambda _r: None,
    )


def move_contacts(handover: Handover) -> dict[int, int]:
    account_owners = dict(
        Account.objects.filter(
            contacts__owner=handover.from_user, contacts__deleted_at__isnull=True
        ).values_list("pk", "owner_id")
    )
    return move_owned_records(
        handover,
        owned_by(Contact, handover.from_user),
        "customers.contact.handed_over",
        lambda contact: account_owners.get(contact.account_id),
    )


def _sees(customer: Any) -> Callable[[User], bool]:
    return lambda user: customer is None or can_see(user, customer)


def move_open_tasks(handover: Handover) -> dict[int, int]:
    ids = locked_ids(_open_tasks(handover.from_user))
    tasks = Activity.objects.filter(pk__in=ids).select_related("contact", "account")
    by_owner: dict[int, list[int]] = defaultdict(list)
    for task in tasks.order_by("pk"):
        customer = task.contact if task.contact_id else task.account
        # A task on a colleague's customer goes only to someone who may see that customer,
        # else back to the customer's own owner.
        new_owner = handover.owner_for(
            customer.owner_id if customer else None, may_take=_sees(customer)
        ) or (customer.owner if customer is not None else handover.next_owner())
        by_owner[new_owner.pk].append(task.pk)
        audit_record(
            actor=handover.actor,
            verb="customers.activity.handed_over",
            target=task,
            subject=customer,
            changes={
                "assignee": handover.owner_change(new_owner)["owner"],
                "version": {"before": task.version, "after": task.version + 1},
            },
        )
    for owner_pk, moved in by_owner.items():
        Activity.objects.filter(pk__in=moved).update(
            assignee_id=owner_pk, version=F("version") + 1, updated_at=timezone.now()
        )
    return {owner_pk: len(moved) for owner_pk, moved in by_owner.items()}


def register_handover_kinds() -> None:
    register_verb_labels(VERB_LABELS)
    register_team_follower(records_follow_owner_team(Account, Contact))
    register_handover_kind(
        HandoverKind(
            key="accounts",
            label=gettext_noop("Accounts"),
            count=lambda user: owned_by(Account, user).count(),
            move=move_accounts,
        )
    )
    register_handover_kind(
        HandoverKind(
            key="contacts",
            label=gettext_noop("Contacts"),
            count=lambda user: owned_by(Contact, user).count(),
            move=move_contacts,
        )
    )
    register_handover_kind(
        HandoverKind(
            key="tasks",
            label=gettext_noop("Open tasks"),
            count=lambda user: _open_tasks(user).count(),
            move=move_open_tasks,
        )
    )
