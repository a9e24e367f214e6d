"""Which audit rows a person may read: a row shows only when its subject is visible to them, and
not when it names (as its target) a record of a registered type they may not see.

The platform does not know the domains' records, so each domain registers, per subject type, the
ids of that type a user may see (deleted records included: their history stays readable to those
who could see them). Rows whose subject type nobody registered are shown to administrators only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

VisibleIds = Callable[[Any], QuerySet[Any]]

_SUBJECTS: dict[str, VisibleIds] = {}
# Records an audit row may name as its target (a deal on its company's timeline): a row whose
# target the reader may not see is not shown, so a visible page never names a hidden record.
_TARGETS: dict[str, VisibleIds] = {}


def register_audit_subject(subject_type: str, visible_ids: VisibleIds) -> None:
    """``visible_ids(user)`` returns a ``values("pk")`` queryset of the records user may see."""
    _SUBJECTS[subject_type] = visible_ids


def audit_visibility_filter(user: Any) -> Q:
    if user.is_administrator:
        return Q(org_id=user.org_id)
    shown = Q(pk__in=[])
    for subject_type, visible_ids in _SUBJECTS.items():
        shown |= Q(subject_type=subject_type, subject_id__in=visible_ids(user))
    return Q(org_id=user.org_id) & shown


def register_audit_target(target_type: str, visible_ids: VisibleIds) -> None:
    """``visible_ids(user)``: a ``values("pk")`` queryset of the records of this type the user
    may see; rows naming another record of the type are hidden from the user."""
    _TARGETS[target_type] = visible_ids


def hidden_targets(user: Any) -> Q:
    """The rows to leave out for ``user``: those whose target is a record the user may not see."""
    hidden = Q(pk__in=[])
    if user.is_administrator:
        return hidden
    for target_type, visible_ids in _TARGETS.items():
        hidden |= Q(target_type=target_type) & ~Q(target_id__in=visible_ids(user))
    return hidden
