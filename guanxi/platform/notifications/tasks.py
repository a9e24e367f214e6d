"""Background delivery of notification e-mails and group bot posts (run by ``guanxi worker``)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from guanxi.platform.notifications.services.delivery import delivery_attempt


@task()
def deliver_notification(delivery_id: int) -> str:
    """Idempotent: a delivery already sent, or being sent by another worker, is left alone."""
    outcome = delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        deliver_notification.using(run_after=timezone.now() + outcome.retry_in).enqueue(delivery_id)
    return outcome.status
