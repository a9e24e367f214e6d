"""Reading and checking custom field values; shared by forms, the API, imports and exports.

Values are stored as JSON: text and identifiers as strings, numbers as decimal strings (never a
float), dates as ISO strings, yes/no as booleans, a choice as the chosen option's text.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.models import CustomField, CustomFieldKind
from guanxi.platform.imports.values import parse_date

TEXT_LIMIT = 500
IDENTIFIER_LIMIT = 100
_TRUE = {"1", "true", "yes", "y", "是", "对", "有", "√", "✓", "t"}
_FALSE = {"0", "false", "no", "n", "否", "不", "无", "没有", "×", "f"}


def custom_fields_of(org_id: int, entity: str) -> list[CustomField]:
    """The organisation's active fields for ``"contact"`` or ``"account"``, in form order."""
    return list(
        CustomField.objects.filter(org_id=org_id, entity=entity, archived=False).order_by(
            "position", "id"
        )
    )


def clean_custom_value(definition: CustomField, raw: Any) -> Any:
    """The stored form of ``raw`` for this field, or ``None`` when empty; a clear error if bad."""
    field = f"custom.{definition.key}"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = definition.kind
    if kind == CustomFieldKind.BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ServiceValidationError.for_field(field, _("Write yes or no (是 / 否)."))
    text = str(raw).strip()
    if kind == CustomFieldKind.NUMBER:
        try:
            number = decimal.Decimal(text.replace(",", "").replace("，", ""))
        except decimal.InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ServiceValidationError.for_field(
                field, _("“%(value)s” is not a number.") % {"value": text[:40]}
            )
        return str(number)
    if kind == CustomFieldKind.DATE:
        day = parse_date(text)
        if day is None:
            raise ServiceValidationError.for_field(
                field, _("“%(value)s” is not a date.") % {"value": text[:40]}
            )
        return day.isoformat()
    if kind == CustomFieldKind.CHOICE:
        options: Sequence[str] = definition.choices or []
        if text not in options:
            raise ServiceValidationError.for_field(
                field,
                _("Choose one of: %(options)s.") % {"options": ", ".join(options)},
            )
        return text
    limit = IDENTIFIER_LIMIT if kind == CustomFieldKind.IDENTIFIER else TEXT_LIMIT
    if len(text) > limit:
        raise ServiceValidationError.for_field(
            field, _("At most %(count)s characters.") % {"count": limit}
        )
    return text
