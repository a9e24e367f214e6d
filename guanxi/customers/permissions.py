"""Who may do what with customers' activities, asked by services (to refuse) and pages (to hide
the buttons a user could not use)."""

from __future__ import annotations

from typing import Any


def can_change_activity(user: Any, activity: Any) -> bool:
    """The author, the assignee and administrators change or complete an activity."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.pk in (activity.created_by_id, activity.assignee_id) or user.is_administrator)
    )
