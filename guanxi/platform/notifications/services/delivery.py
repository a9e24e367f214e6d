"""Sending one queued e-mail or bot post, and recording how it went.

Idempotent: a delivery is claimed by switching it to "sending" in one UPDATE, so a task that runs
twice (a retry racing a slow first run, two workers) sends at most once. A failure is kept with
its error and, until the attempts run out, handed back to the queue with a growing delay.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.platform.notifications import bots
from guanxi.platform.notifications.kinds import Channel, get_kind
from guanxi.platform.notifications.models import Delivery, DeliveryStatus, Notification
from guanxi.platform.notifications.text import render_text

# Delay before attempt 2, 3, ...; after the last one the delivery is marked failed.
RETRY_DELAYS = (
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(hours=1),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# What config/settings.py puts in MAILERS when no EMAIL_HOST is given.
UNCONFIGURED_MAILER = "django.core.mail.backends.dummy.EmailBackend"


class NotConfiguredError(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: datetime.timedelta | None = None


def absolute_url(path: str) -> str:
    return f"{settings.GUANXI_BASE_URL.rstrip('/')}{path}" if path else ""


def message_text(notification: Notification, *, with_kind: bool) -> tuple[str, str]:
    """(title, body with the link) in the active language."""
    title = render_text(notification.title, notification.params)
    if with_kind:
        title = f"【{get_kind(notification.kind).label}】{title}"
    parts = [render_text(notification.body, notification.params), absolute_url(notification.url)]
    return title, "\n\n".join(part for part in parts if part)


def _send_email(delivery: Delivery) -> str:
    mailer = getattr(settings, "MAILERS", {}).get("default")
    if mailer is None or mailer.get("BACKEND") == UNCONFIGURED_MAILER:
        raise NotConfiguredError("No SMTP server is configured (EMAIL_HOST).")
    recipient = delivery.notification.recipient
    if not recipient.email:
        return _("The recipient has no e-mail address.")
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject, body = message_text(delivery.notification, with_kind=False)
    EmailMessage(subject=subject, body=body, to=[recipient.email]).send()
    return ""


def _send_to_bot(delivery: Delivery) -> str:
    bot = delivery.bot
    if bot is None:
        return _("The group bot was removed.")
    with translation.override(settings.LANGUAGE_CODE):
        title, body = message_text(delivery.notification, with_kind=True)
        names = "、".join(delivery.mentions)
        mention = _("For: %(names)s") % {"names": names} if names else ""
    text = "\n".join(part for part in (title, mention, body) if part)
    url, payload = bots.build_request(
        bot.service, bot.webhook_url, text, secret=bot.secret, now=time.time()
    )
    bots.post(url, payload)
    return ""


def delivery_attempt(*, delivery_id: int) -> Outcome:
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1)
    delivery = (
        Delivery.objects.select_related("notification__recipient", "bot")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or not claimed:
        return Outcome(delivery.status if delivery else DeliveryStatus.SKIPPED)
    send = _send_email if delivery.channel == Channel.EMAIL else _send_to_bot
    outcome = Outcome(DeliveryStatus.SENT)
    try:
        skipped_because = send(delivery)
        delivery.last_error = skipped_because
        if skipped_because:
            outcome = Outcome(DeliveryStatus.SKIPPED)
    except NotConfiguredError as exc:
        delivery.last_error, outcome = str(exc), Outcome(DeliveryStatus.NOT_CONFIGURED)
    except Exception as exc:  # any failure of the network or the far end: record, maybe retry
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts < MAX_ATTEMPTS:
            outcome = Outcome(DeliveryStatus.RETRYING, RETRY_DELAYS[delivery.attempts - 1])
        else:
            outcome = Outcome(DeliveryStatus.FAILED)
    delivery.status = outcome.status
    delivery.sent_at = timezone.now() if outcome.status == DeliveryStatus.SENT else None
    delivery.save(update_fields=["status", "last_error", "sent_at"])
    return outcome
