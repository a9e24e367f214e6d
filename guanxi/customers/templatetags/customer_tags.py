from __future__ import annotations

from typing import Any

from django import template

from guanxi.customers.phones import display_phone
from guanxi.platform import verbs

register = template.Library()


@register.filter
def phone(value: str) -> str:
    return display_phone(value)


@register.filter
def verb_label(verb: str) -> str:
    return verbs.verb_label(verb)


@register.filter
def change_rows(changes: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return [
        (field, value.get("before"), value.get("after"))
        for field, value in (changes or {}).items()
        if isinstance(value, dict)
    ]
