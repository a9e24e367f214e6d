"""Contacts' and accounts' changes in words: the values that are not plain model fields."""

from __future__ import annotations

from guanxi.customers.models import Account, Activity, Contact, ContactEmail, ContactPhone, Tag
from guanxi.customers.phones import display_phone
from guanxi.platform.changes import register_change_words


def register() -> None:
    tags_label = Tag._meta.verbose_name_plural
    register_change_words(
        Contact._meta.label_lower,
        labels={
            "phones": ContactPhone._meta.get_field("number").verbose_name,
            "emails": ContactEmail._meta.get_field("email").verbose_name,
            "tags": tags_label,
        },
        formatters={"phones": display_phone},
        hidden={"version"},
    )
    register_change_words(
        Account._meta.label_lower, labels={"tags": tags_label}, hidden={"version"}
    )
    register_change_words(Activity._meta.label_lower, hidden={"version"})
