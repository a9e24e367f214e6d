"""Login throttling: too many failures for one name or one address block further tries."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from guanxi.platform.models import LoginFailure


def login_is_blocked(*, username: str, address: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(failed_at__gte=since)
    by_name = recent.filter(username=username.lower()).count()
    by_address = recent.filter(address=address).count()
    # One address may try several names (a shop's shared computer), so it gets more room.
    return by_name >= settings.LOGIN_FAILURE_LIMIT or by_address >= settings.LOGIN_FAILURE_LIMIT * 4


def login_failure_record(*, username: str, address: str) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], address=address[:64])


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()
