"""The registry of notification kinds. Each domain declares its kinds and their default channels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    GROUP_BOT = "group_bot", _("Group bot")


@dataclass(frozen=True)
class NotificationKind:
    key: str  # dotted, "<app>.<what happened>"; stored on every notification
    label: str | Promise  # shown on the preferences page
    default_channels: frozenset[str] = field(default_factory=lambda: frozenset({Channel.IN_APP}))
    # A group chat is read by the whole team or organisation: kinds whose text names one
    # customer's private details (a task's subject and customer) are never posted there.
    group_bot: bool = True

    def offers(self, channel: str) -> bool:
        return self.group_bot or channel != Channel.GROUP_BOT

    def __post_init__(self) -> None:
        unknown = set(self.default_channels) - set(Channel.values)
        if unknown:
            raise ValueError(f"Unknown channels for {self.key}: {sorted(unknown)}")


_KINDS: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> None:
    _KINDS[kind.key] = kind


def unregister_kind(key: str) -> None:
    _KINDS.pop(key, None)


def get_kind(key: str) -> NotificationKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"No notification kind {key!r} is registered.") from None


def registered_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def channels(*names: str) -> frozenset[str]:
    """``channels(Channel.IN_APP, Channel.EMAIL)``: a readable way to write default channels."""
    return frozenset(names)


def kind_labels(keys: Iterable[str]) -> dict[str, str | Promise]:
    return {key: _KINDS[key].label if key in _KINDS else key for key in keys}
