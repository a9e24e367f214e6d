"""Churn follow-ups in the customers' purge / merge / erase registry.

A follow-up remembers that a contact already got its churn task for a period, so that it gets one
per period. After a merge the survivor inherits the periods it has no follow-up for (it should not
be nagged twice); the others stay with the merged-away contact and cascade with it when purged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from guanxi.analytics.models import ChurnFollowUp
from guanxi.customers.registry import (
    Counts,
    CustomerRef,
    Merge,
    Moved,
    RelatedRows,
    register_related_rows,
    repoint,
    repoint_back,
)


def _cascades(_customer: CustomerRef) -> Counts:
    return {}


def follow_ups_on_merge(merge: Merge) -> Moved:
    if merge.source.kind != "contact":
        return Moved({})
    taken = ChurnFollowUp.objects.filter(contact_id=merge.target.pk).values_list(
        "period", flat=True
    )
    return repoint(ChurnFollowUp.objects.exclude(period__in=list(taken)), "contact", merge)


def follow_ups_on_unmerge(merge: Merge, pks: Sequence[Any]) -> Counts:
    return repoint_back(ChurnFollowUp.objects.all(), "contact", merge, pks)


def register() -> None:
    register_related_rows(
        RelatedRows(
            label="analytics.churnfollowup",
            on_purge=_cascades,
            on_merge=follow_ups_on_merge,
            on_unmerge=follow_ups_on_unmerge,
            on_erase=_cascades,
        )
    )
