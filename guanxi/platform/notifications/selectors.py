"""Reads of notifications, preferences and group bots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from guanxi.platform.notifications.kinds import Channel, get_kind, registered_kinds
from guanxi.platform.notifications.models import GroupBot, Notification, NotificationPreference


def notifications_for(user_id: int) -> QuerySet[Notification]:
    """What the bell lists for a person: their in-app notifications (newest first by key)."""
    return Notification.objects.filter(recipient_id=user_id, in_app=True).select_related("actor")


def unread_notifications(user_id: int) -> QuerySet[Notification]:
    return notifications_for(user_id).filter(read_at__isnull=True)


def enabled_channels(kind: str, user_ids: Iterable[int]) -> dict[int, set[str]]:
    """Each person's channels for a kind: the kind's defaults changed by their own choices."""
    defaults = get_kind(kind).default_channels
    chosen = {user_id: set(defaults) for user_id in user_ids}
    rows = NotificationPreference.objects.filter(user_id__in=list(chosen), kind=kind)
    for user_id, channel, enabled in rows.values_list("user_id", "channel", "enabled"):
        if enabled:
            chosen[user_id].add(channel)
        else:
            chosen[user_id].discard(channel)
    return chosen


def preference_grid(user_id: int) -> list[dict[str, Any]]:
    """One row per registered kind with each channel's current setting, for the preferences page."""
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(
            user_id=user_id
        ).values_list("kind", "channel", "enabled")
    }
    return [
        {
            "kind": kind,
            "channels": [
                {
                    "channel": channel,
                    "label": label,
                    "enabled": kind.offers(channel)
                    and stored.get((kind.key, channel), channel in kind.default_channels),
                    "offered": kind.offers(channel),
                }
                for channel, label in Channel.choices
            ],
        }
        for kind in registered_kinds()
    ]


def group_bots_for(org_id: int, team_ids: Iterable[int | None]) -> dict[int | None, list[GroupBot]]:
    """Bots by team (None: the organisation's), for the teams asked about and the whole org."""
    teams = [team_id for team_id in set(team_ids) if team_id is not None]
    bots: dict[int | None, list[GroupBot]] = {}
    for bot in GroupBot.objects.filter(Q(team__isnull=True) | Q(team_id__in=teams), org_id=org_id):
        bots.setdefault(bot.team_id, []).append(bot)
    return bots


def group_bots_of_org(org_id: int) -> QuerySet[GroupBot]:
    return (
        GroupBot.objects.filter(org_id=org_id).select_related("team").order_by("team__name", "name")
    )
