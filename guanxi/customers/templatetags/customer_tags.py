from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from guanxi.customers.custom_fields import shown_values
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


@register.simple_tag
def custom_values(record: Any) -> list[tuple[str, str]]:
    """``(label, text)`` of the record's custom values, for the profile on the 360 pages."""
    return shown_values(record.org_id, record._meta.model_name, record.custom or {})
