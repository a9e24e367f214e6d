"""The unread count behind the bell, cached so that pages do not pay a query for it.

The cache is emptied for a person whenever their notifications change; the short lifetime bounds
how stale a count can be when the change happened in another process (the worker).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache

SECONDS = 60


def _key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user_id: int) -> int:
    count = cache.get(_key(user_id))
    if count is None:
        from guanxi.platform.notifications.selectors import unread_notifications

        count = unread_notifications(user_id).count()
        cache.set(_key(user_id), count, SECONDS)
    return int(count)


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    cache.delete_many([_key(user_id) for user_id in set(user_ids)])
