from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from guanxi.platform.imports.selectors import importers_for
from guanxi.platform.roles import Permission
from guanxi.platform.visibility import managed_team_ids


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the top bar may link to, so that nobody is shown a page they would be refused."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_view_audit": False, "can_manage_users": False, "can_hand_over": False}
    can_manage_users = user.has_role_permission(Permission.MANAGE_USERS)
    return {
        "can_view_audit": user.has_role_permission(Permission.VIEW_AUDIT),
        "can_manage_users": can_manage_users,
        # Team managers hand over their members' records; administrators reach it from Users.
        "can_hand_over": bool(not can_manage_users and user.is_active and managed_team_ids(user)),
        "can_import": bool(importers_for(user)),
    }
