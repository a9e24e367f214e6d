"""Contacts' and accounts' changes in words: the values that are not plain model fields."""

from __future__ import annotations

from typing import Any

from guanxi.customers.models import (
    Account,
    Activity,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomField,
    Tag,
)
from guanxi.customers.phones import display_phone
from guanxi.platform.changes import (
    register_change_words,
    register_label_lookup,
    register_reference_field,
)
from guanxi.platform.visibility import visible_filter


def _visible_names(model: Any) -> Any:
    """A history names another record (as stored: its name) only to who may see a record of
    that name, deleted and merged-away ones included (they are what the history talks about)."""

    def visible(viewer: Any, names: set[str]) -> set[str]:
        records = model.objects.filter(visible_filter(viewer, model), name__in=names)
        return set(records.values_list("name", flat=True))

    return visible


_visible_account_names = _visible_names(Account)
# Merges and "not a duplicate" decisions name the other record of the pair.
NAMED_RECORD_FIELDS = ("merged", "merged_into", "not_duplicate_of")


def _custom_field_labels(entity: str) -> Any:
    """Labels of ``custom.<key>`` changes: the organisation's field labels, archived ones too."""

    def lookup(org_ids: set[Any], names: set[str]) -> dict[tuple[Any, str], str]:
        keys = {name.removeprefix("custom.") for name in names}
        fields = CustomField.objects.filter(org_id__in=org_ids, entity=entity, key__in=keys)
        return {
            (org_id, f"custom.{key}"): label
            for org_id, key, label in fields.values_list("org_id", "key", "label")
        }

    return lookup


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
    register_reference_field(Contact._meta.label_lower, "account", _visible_account_names)
    for model in (Contact, Account):
        for name in NAMED_RECORD_FIELDS:
            register_reference_field(model._meta.label_lower, name, _visible_names(model))
    register_label_lookup(Contact._meta.label_lower, "custom.", _custom_field_labels("contact"))
    register_label_lookup(Account._meta.label_lower, "custom.", _custom_field_labels("account"))
