"""A person's own reading state and channel choices.

Marking read is not audited: it is a person's private reading position, like a session, not a
change to shared business data. Preference changes are audited: they decide who hears of what.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from guanxi.platform.notifications.cache import forget_unread_counts
from guanxi.platform.notifications.kinds import Channel, get_kind
from guanxi.platform.notifications.models import Notification, NotificationPreference
from guanxi.platform.notifications.selectors import enabled_channels, unread_notifications
from guanxi.platform.services.audit import audit_record


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise LookupError("Only the recipient can mark a notification read")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        forget_unread_counts([actor.pk])
    return notification


def notifications_mark_all_read(*, actor: Any) -> int:
    changed = unread_notifications(actor.pk).update(read_at=timezone.now())
    forget_unread_counts([actor.pk])
    return changed


@transaction.atomic
def notification_preferences_save(
    *, actor: Any, choices: Mapping[tuple[str, str], bool]
) -> dict[str, list[str]]:
    """Store the actor's choice per (kind, channel); returns the channels now on, by kind."""
    for kind, channel in choices:
        get_kind(kind)
        if channel not in Channel.values:
            raise ValueError(f"Unknown channel {channel!r}")
    before = {kind: enabled_channels(kind, [actor.pk])[actor.pk] for kind, _c in choices}
    for (kind, channel), enabled in choices.items():
        NotificationPreference.objects.update_or_create(
            user_id=actor.pk, kind=kind, channel=channel, defaults={"enabled": enabled}
        )
    after = {kind: enabled_channels(kind, [actor.pk])[actor.pk] for kind in before}
    changes = {
        kind: {"before": sorted(before[kind]), "after": sorted(after[kind])}
        for kind in after
        if before[kind] != after[kind]
    }
    if changes:
        audit_record(
            actor=actor,
            verb="notifications.preferences.changed",
            target=actor,
            changes=changes,
            org_id=actor.org_id,
        )
    return {kind: sorted(channels) for kind, channels in after.items()}
