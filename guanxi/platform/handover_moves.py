"""Moving one domain's owned records in a handover: shared by every domain's handover kinds.

A record kind that has an ``owner``, a ``team``, a ``version`` and a ``deleted_at`` (customers,
leads, deals) moves the same way: rows locked, each to its preferred owner among the targets or
the next one in turn, owner and team changed, version + 1, one audit event per record, and read
access kept for the person leaving when the handover asks for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from guanxi.platform.handover import Handover
from guanxi.platform.models import User
from guanxi.platform.services.audit import audit_record
from guanxi.platform.services.sharing import collaborators_grant_read


def owned_by(model: Any, user: User) -> QuerySet[Any]:
    """Deleted records stay where they are: they are not work anyone must pick up; nor do
    withheld ones (a customer waiting in the sales pool belongs to whoever claims it)."""
    records = model.objects.filter(org_id=user.org_id, owner=user, deleted_at__isnull=True)
    withheld = getattr(model, "withheld_while", None)
    return records.filter(**{f"{withheld}__isnull": True}) if withheld else records


def locked_ids(queryset: QuerySet[Any]) -> list[int]:
    """Lock the rows first (no joins, so PostgreSQL accepts FOR UPDATE), then read them."""
    return list(queryset.select_for_update().order_by("pk").values_list("pk", flat=True))


def move_owned_records(
    handover: Handover,
    owned: QuerySet[Any],
    verb: str,
    preferred_owner: Callable[[Any], int | None],
) -> dict[int, int]:
    """Owner and team to the new owner, version + 1, one audit event per record.

    ``owned``: the leaving person's records of one kind that are still work (``owned_by``,
    narrowed by the domain, e.g. to open deals)."""
    model = owned.model
    records = model.objects.filter(pk__in=locked_ids(owned))
    by_owner: dict[int, list[Any]] = defaultdict(list)
    for record in records.order_by("pk"):
        new_owner = handover.owner_for(preferred_owner(record)) or handover.next_owner()
        by_owner[new_owner.pk].append(record)
        audit_record(
            actor=handover.actor,
            verb=verb,
            target=record,
            changes={
                **handover.owner_change(new_owner),
                "version": {"before": record.version, "after": record.version + 1},
            },
        )
    owners = {user.pk: user for user in handover.to_users}
    for owner_pk, moved in by_owner.items():
        model.objects.filter(pk__in=[record.pk for record in moved]).update(
            owner_id=owner_pk,
            team_id=owners[owner_pk].team_id,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
    if handover.keep_access:
        collaborators_grant_read(
            actor=handover.actor,
            org_id=handover.from_user.org_id,  # type: ignore[arg-type]
            record_type=model._meta.label_lower,
            record_ids=[record.pk for moved in by_owner.values() for record in moved],
            user=handover.from_user,
        )
    return {owner_pk: len(moved) for owner_pk, moved in by_owner.items()}


def records_follow_owner_team(*models: Any) -> Callable[[list[int]], int]:
    """A team follower (``register_team_follower``): these owners' records take their team."""

    def follow(user_ids: list[int]) -> int:
        moved = 0
        for model in models:
            moved += model.objects.filter(owner_id__in=user_ids).update(
                team_id=Subquery(User.objects.filter(pk=OuterRef("owner_id")).values("team_id")),
                updated_at=timezone.now(),
            )
        return moved

    return follow
