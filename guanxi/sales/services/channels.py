"""Channels as data: every organisation starts with the usual ones and may add its own."""

from __future__ import annotations

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.sales.choices import DEFAULT_CHANNELS
from guanxi.sales.models import Channel


def ensure_default_channels(org_id: int) -> None:
    """Idempotent: the defaults are created once, in the organisation's language of the day;
    administrators may rename them afterwards."""
    existing = set(Channel.objects.filter(org_id=org_id).values_list("code", flat=True))
    Channel.objects.bulk_create(
        [
            Channel(org_id=org_id, code=code, name=str(label))
            for code, label in DEFAULT_CHANNELS
            if code not in existing
        ],
        ignore_conflicts=True,
    )


def channel_for(org_id: int, code: str, *, field: str = "source") -> Channel | None:
    """The channel a lead names by its code (``""``: none); an unknown code is refused."""
    code = (code or "").strip()
    if not code:
        return None
    channel = Channel.objects.filter(org_id=org_id, code=code, active=True).first()
    if channel is None and code in dict(DEFAULT_CHANNELS):
        ensure_default_channels(org_id)
        channel = Channel.objects.filter(org_id=org_id, code=code, active=True).first()
    if channel is None:
        known = ", ".join(
            Channel.objects.filter(org_id=org_id, active=True).values_list("code", flat=True)
        ) or ", ".join(code for code, _label in DEFAULT_CHANNELS)
        raise ServiceValidationError.for_field(
            field, _("Unknown channel. Choose one of: %(codes)s.") % {"codes": known}
        )
    return channel
