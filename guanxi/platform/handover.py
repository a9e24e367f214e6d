"""Handover: everything a user owns moves to one or more colleagues in one audited step.

A rep who resigns half an hour before a signing must not leave customers without an owner. The
platform knows no domain: each domain registers the kinds of records a person can own (a label,
a count function and a move function) in its ``AppConfig.ready()``, and the platform runs them all
in one transaction, in registration order (so contacts, registered after accounts, can follow
their account's new owner).

Notifications subscribe through :data:`AFTER_HANDOVER` (called after the transaction commits), so
this module does not depend on how people are told.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.platform.models import User
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import managed_team_ids


@dataclass
class Handover:
    """One run, handed to every kind's move function.

    Records are spread round-robin over ``to_users`` (sorted by id, so the result is the same
    every time); :meth:`owner_for` keeps a record with a related record's owner where that owner is
    one of the targets.
    """

    actor: Any
    from_user: User
    to_users: list[User]
    keep_access: bool = False
    _turn: int = 0
    _by_pk: dict[int, User] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.to_users = sorted(self.to_users, key=lambda user: user.pk)
        self._by_pk = {user.pk: user for user in self.to_users}

    def next_owner(self) -> User:
        owner = self.to_users[self._turn % len(self.to_users)]
        self._turn += 1
        return owner

    def owner_for(
        self,
        preferred_owner_id: int | None = None,
        may_take: Callable[[User], bool] | None = None,
    ) -> User | None:
        """The preferred target, else the next one in turn that ``may_take`` the record; None
        when no target may (the caller decides where such a record goes)."""
        preferred = self._by_pk.get(preferred_owner_id) if preferred_owner_id else None
        if preferred is not None:
            return preferred
        for _attempt in range(len(self.to_users)):
            candidate = self.next_owner()
            if may_take is None or may_take(candidate):
                return candidate
        return None

    def owner_change(self, new_owner: User) -> dict[str, dict[str, str]]:
        """The ``changes`` of a per-record audit event."""
        return {"owner": {"before": self.from_user.username, "after": new_owner.username}}


@dataclass(frozen=True)
class HandoverKind:
    key: str
    label: str  # English, marked with gettext_noop; translated where shown
    count: Callable[[User], int]
    move: Callable[[Handover], dict[int, int]]  # returns {new owner's pk: records moved}


@dataclass(frozen=True)
class HandoverResult:
    actor: Any
    from_user: User
    to_users: list[User]
    counts: dict[str, int]
    counts_by_owner: dict[int, dict[str, int]]


_KINDS: dict[str, HandoverKind] = {}

# Called with the HandoverResult once the handover has committed (e.g. to notify the new owners).
AFTER_HANDOVER: list[Callable[[HandoverResult], None]] = []


# Called with user ids whose team changed: owned records move to the owner's new team, so the old
# team's colleagues and managers lose the access they had through the team, and the new team's
# managers gain it (and with it the right to hand those records over).
TEAM_FOLLOWERS: list[Callable[[list[int]], int]] = []


def register_team_follower(follow: Callable[[list[int]], int]) -> None:
    TEAM_FOLLOWERS.append(follow)


def owned_records_follow_team(user_ids: list[int]) -> int:
    return sum(follow(user_ids) for follow in TEAM_FOLLOWERS)


def register_handover_kind(kind: HandoverKind) -> None:
    _KINDS[kind.key] = kind


def handover_kinds() -> list[HandoverKind]:
    return list(_KINDS.values())


def handover_counts(user: User) -> dict[str, int]:
    """What ``user`` still owns, per registered kind (this is also the preview)."""
    return {kind.key: kind.count(user) for kind in _KINDS.values()}


def pending_handover_total(user: User) -> int:
    return sum(handover_counts(user).values())


def can_hand_over(actor: Any, from_user: User) -> bool:
    """Administrators for anyone in their organisation; managers for their teams' members."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.org_id != from_user.org_id:
        return False
    if actor.is_administrator:
        return True
    return from_user.team_id is not None and from_user.team_id in managed_team_ids(actor)


def require_can_hand_over(actor: Any, from_user: User) -> None:
    if not can_hand_over(actor, from_user):
        raise PermissionDeniedError(
            _("Only an administrator or the user's team manager can hand over their records.")
        )


def handover_preview(*, actor: Any, from_user: User) -> dict[str, int]:
    require_can_hand_over(actor, from_user)
    return handover_counts(from_user)


def _clean_targets(from_user: User, to_users: Sequence[User]) -> list[User]:
    targets = {user.pk: user for user in to_users}
    if not targets:
        raise ServiceValidationError.for_field("to_users", _("Choose at least one new owner."))
    for user in targets.values():
        if user.pk == from_user.pk or user.org_id != from_user.org_id or not user.is_active:
            raise ServiceValidationError.for_field(
                "to_users",
                _("New owners must be other active users of the same organisation."),
            )
    return list(targets.values())


@transaction.atomic
def handover_run(
    *, actor: Any, from_user: User, to_users: Sequence[User], keep_access: bool = False
) -> HandoverResult:
    """Move every registered kind from ``from_user`` to ``to_users``: all or nothing.

    With ``keep_access`` the old owner stays a reader (a collaborator) of every record that moved,
    as Chinese CRMs let a rep who changes territory keep sight of old customers.
    """
    require_can_hand_over(actor, from_user)
    targets = _clean_targets(from_user, to_users)
    handover = Handover(actor=actor, from_user=from_user, to_users=targets, keep_access=keep_access)
    counts: dict[str, int] = {}
    by_owner: dict[int, dict[str, int]] = {user.pk: {} for user in handover.to_users}
    for kind in _KINDS.values():
        moved = kind.move(handover)
        counts[kind.key] = sum(moved.values())
        for owner_pk, number in moved.items():
            # A record may go back to its customer's own owner (not a target), see kinds.
            by_owner.setdefault(owner_pk, {})[kind.key] = number
    audit_record(
        actor=actor,
        verb="platform.handover.completed",
        target=from_user,
        changes={
            "to_users": {"before": None, "after": [user.username for user in handover.to_users]},
            # What moved; kinds with nothing to move (a module the person never used) are left out.
            **{key: {"before": number, "after": 0} for key, number in counts.items() if number},
            **({"keep_access": {"before": None, "after": True}} if keep_access else {}),
        },
    )
    result = HandoverResult(
        actor=actor,
        from_user=from_user,
        to_users=handover.to_users,
        counts=counts,
        counts_by_owner=by_owner,
    )
    for callback in AFTER_HANDOVER:
        transaction.on_commit(lambda callback=callback: callback(result))  # type: ignore[misc]
    return result
