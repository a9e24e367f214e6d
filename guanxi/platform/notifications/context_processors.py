from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from guanxi.platform.notifications.cache import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """The bell's count, computed only when a template shows it, and cached (see cache.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: unread_count(user.pk)}
