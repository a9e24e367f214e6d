from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from guanxi.customers.phones import display_phone

register = template.Library()

VERB_LABELS = {
    "customers.contact.created": N_("Contact created"),
    "customers.contact.updated": N_("Contact changed"),
    "customers.contact.deleted": N_("Contact deleted"),
    "customers.contact.restored": N_("Contact restored"),
    "customers.account.created": N_("Account created"),
    "customers.account.updated": N_("Account changed"),
    "customers.account.deleted": N_("Account deleted"),
    "customers.account.restored": N_("Account restored"),
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
