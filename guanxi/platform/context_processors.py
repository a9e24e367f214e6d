from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from guanxi.platform.roles import Permission


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the top bar may link to, so that nobody is shown a page they would be refused."""
    user = getattr(request, "user", None)
    can_view_audit = bool(
        user is not None
        and user.is_authenticated
        and user.has_role_permission(Permission.VIEW_AUDIT)  # type: ignore[union-attr]
    )
    return {"can_view_audit": can_view_audit}
