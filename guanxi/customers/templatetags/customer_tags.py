from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from guanxi.customers.phones import display_phone
from guanxi.platform import changes, verbs

register = template.Library()


@register.filter
def phone(value: str) -> str:
    return display_phone(value)


@register.filter
def verb_label(verb: str) -> str:
    return verbs.verb_label(verb)


@register.filter
def with_change_rows(entries: Sequence[Any]) -> Sequence[Any]:
    """Describe the audit events of a timeline page together, so that the user names in them
    cost one query for the page rather than one per entry."""
    changes.describe_events(
        entry.event
        for entry in entries
        if entry.event is not None and not hasattr(entry.event, "change_rows")
    )
    return entries


@register.filter
def change_rows(event: Any) -> list[changes.ChangeRow]:
    if not hasattr(event, "change_rows"):
        changes.describe_events([event])
    return list(event.change_rows)
