from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.customers.phones import display_phone

register = template.Library()

VERB_LABELS = {
    "customers.contact.created": gettext_noop("Contact created"),
    "customers.contact.updated": gettext_noop("Contact changed"),
    "customers.contact.deleted": gettext_noop("Contact deleted"),
    "customers.contact.restored": gettext_noop("Contact restored"),
    "customers.account.created": gettext_noop("Account created"),
    "customers.account.updated": gettext_noop("Account changed"),
    "customers.account.deleted": gettext_noop("Account deleted"),
    "customers.account.restored": gettext_noop("Account restored"),
}


@register.filter
def phone(value: str) -> str:
    return display_phone(value)


@register.filter
def verb_label(verb: str) -> str:
    label = VERB_LABELS.get(verb)
    return _(label) if label else verb


@register.filter
def change_rows(changes: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return [
        (field, value.get("before"), value.get("after"))
        for field, value in (changes or {}).items()
        if isinstance(value, dict)
    ]
