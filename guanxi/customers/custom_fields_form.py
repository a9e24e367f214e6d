"""The organisation's custom fields on the contact and account forms, one widget per kind.

Form fields are named ``custom.<key>``, as the services name their errors, so a refused value is
shown beside its field. The form only parses: the service cleans (``clean_custom_value``) and
checks identifiers, so the form, the API and imports accept the same input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from guanxi.customers.custom_fields import IDENTIFIER_LIMIT, TEXT_LIMIT, custom_fields_of
from guanxi.customers.models import CustomField, CustomFieldKind

PREFIX = "custom."


def custom_form_field(definition: CustomField, current: Any) -> forms.Field:
    """A field for one definition; ``current`` is the record's stored value (or ``None``)."""
    common: dict[str, Any] = {"label": definition.label, "required": False, "initial": current}
    kind = definition.kind
    if kind == CustomFieldKind.BOOL:
        return forms.BooleanField(**common)
    if kind == CustomFieldKind.CHOICE:
        options = list(definition.choices or [])
        if current and current not in options:  # an option removed since: keep it selectable
            options.append(current)
        return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in options)], **common)
    if kind == CustomFieldKind.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == CustomFieldKind.NUMBER:
        widget = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
        return forms.CharField(max_length=40, widget=widget, **common)
    limit = IDENTIFIER_LIMIT if kind == CustomFieldKind.IDENTIFIER else TEXT_LIMIT
    return forms.CharField(max_length=limit, **common)


class CustomValuesMixin:
    """Adds ``custom.<key>`` fields before the tags and turns them into the services' ``custom``."""

    fields: dict[str, forms.Field]

    def add_custom_fields(self, definitions: Sequence[CustomField], record: Any) -> None:
        self._custom_current = dict(getattr(record, "custom", None) or {})
        self._custom_keys = [definition.key for definition in definitions]
        for definition in definitions:
            current = self._custom_current.get(definition.key)
            self.fields[PREFIX + definition.key] = custom_form_field(definition, current)
        if definitions:
            names = [name for name in self.fields if not name.startswith(PREFIX)]
            at = names.index("tags") if "tags" in names else len(names)
            custom_names = [PREFIX + key for key in self._custom_keys]
            self.order_fields(names[:at] + custom_names + names[at:])  # type: ignore[attr-defined]

    @property
    def custom_field_names(self) -> list[str]:
        return [PREFIX + key for key in getattr(self, "_custom_keys", [])]

    def pop_custom_values(self, data: dict[str, Any]) -> None:
        """Move the ``custom.<key>`` values of ``data`` into ``data["custom"]``.

        An unticked box clears a yes/no only when it held a value, so saving an unrelated edit
        does not record "no" for every customer nobody asked.
        """
        values: dict[str, Any] = {}
        for key in getattr(self, "_custom_keys", []):
            value = data.pop(PREFIX + key, None)
            if value is False and self._custom_current.get(key) is None:
                value = None
            values[key] = value
        if values:
            data["custom"] = values


def filter_controls(org_id: int, entity: str, params: Any) -> list[dict[str, Any]]:
    """One control per active field for the list filters: choices and yes/no as selects, the
    other kinds as a text box; ``value`` is what the query string holds now."""
    controls = []
    for definition in custom_fields_of(org_id, entity):
        options: list[tuple[str, str]] = []
        if definition.kind == CustomFieldKind.CHOICE:
            options = [(option, option) for option in definition.choices or []]
        elif definition.kind == CustomFieldKind.BOOL:
            options = [("true", _("Yes")), ("false", _("No"))]
        controls.append(
            {
                "name": PREFIX + definition.key,
                "label": definition.label,
                "options": options,
                "value": params.get(PREFIX + definition.key, ""),
            }
        )
    return controls
