"""``notify``: the one call domains make to tell people that something happened."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction

from guanxi.platform.notifications.cache import forget_unread_counts
from guanxi.platform.notifications.kinds import Channel, get_kind
from guanxi.platform.notifications.models import Delivery, Notification, SentMarker
from guanxi.platform.notifications.selectors import enabled_channels, group_bots_for


def _checked_url(url: str) -> str:
    """Only this site's own paths: a notification never links elsewhere."""
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"A notification links to a path of this site, not {url!r}")
    return url


def _bot_deliveries(rows: list[Notification], people: Mapping[int, Any]) -> list[Delivery]:
    """One post per group bot: the recipient's team's bots, else the organisation's bots.

    Several recipients in one group make a single post that names them all.
    """
    by_bot: dict[int, tuple[Any, list[Notification]]] = {}
    for org_id in {row.org_id for row in rows}:
        in_org = [row for row in rows if row.org_id == org_id]
        bots = group_bots_for(org_id, (people[row.recipient_id].team_id for row in in_org))
        for row in in_org:
            team_id = people[row.recipient_id].team_id
            for bot in bots.get(team_id) or bots.get(None, []):
                by_bot.setdefault(bot.pk, (bot, []))[1].append(row)
    return [
        Delivery(
            notification=about[0],
            channel=Channel.GROUP_BOT,
            bot=bot,
            mentions=[people[row.recipient_id].display_name for row in about],
        )
        for bot, about in by_bot.values()
    ]


def _enqueue(delivery_ids: list[int]) -> None:
    from guanxi.platform.notifications.tasks import deliver_notification

    for delivery_id in delivery_ids:
        deliver_notification.enqueue(delivery_id)


@transaction.atomic
def notify(
    *,
    kind: str,
    recipients: Iterable[Any],
    actor: Any,
    title: str,
    body: str = "",
    params: Mapping[str, Any] | None = None,
    url: str = "",
    subject_type: str = "",
    subject_id: int | None = None,
) -> list[Notification]:
    """Notify each active recipient (never the actor) on the channels they chose for ``kind``.

    ``title`` and ``body`` are English templates marked with ``gettext_noop`` and filled from
    ``params`` (``"%(task)s is due"``) when shown, in the reader's language. E-mails and bot posts
    are queued once the caller's transaction commits.
    """
    get_kind(kind)
    actor_id = getattr(actor, "pk", None)
    people = {
        person.pk: person
        for person in recipients
        if person is not None and person.is_active and person.pk != actor_id
    }
    if not people:
        return []
    chosen = enabled_channels(kind, people)
    rows = Notification.objects.bulk_create(
        Notification(
            org_id=person.org_id,
            recipient=person,
            actor_id=actor_id,
            kind=kind,
            title=title,
            body=body,
            params=dict(params or {}),
            url=_checked_url(url),
            subject_type=subject_type,
            subject_id=subject_id,
            in_app=Channel.IN_APP in chosen[person.pk],
        )
        for person in people.values()
        if chosen[person.pk]
    )
    deliveries = [
        Delivery(notification=row, channel=Channel.EMAIL)
        for row in rows
        if Channel.EMAIL in chosen[row.recipient_id]
    ]
    if get_kind(kind).group_bot:
        deliveries += _bot_deliveries(
            [row for row in rows if Channel.GROUP_BOT in chosen[row.recipient_id]], people
        )
    deliveries = Delivery.objects.bulk_create(deliveries)
    recipient_ids = [row.recipient_id for row in rows if row.in_app]
    transaction.on_commit(partial(forget_unread_counts, recipient_ids))
    transaction.on_commit(partial(_enqueue, [delivery.pk for delivery in deliveries]))
    return rows


@transaction.atomic
def notify_once(*, occurrence: str, kind: str, **arguments: Any) -> list[Notification]:
    """``notify`` unless this kind was already sent about ``occurrence`` ("activity:7@<due>")."""
    try:
        with transaction.atomic():
            SentMarker.objects.create(kind=kind, key=occurrence[:200])
    except IntegrityError:
        return []
    return notify(kind=kind, **arguments)
