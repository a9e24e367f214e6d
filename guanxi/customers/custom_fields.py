"""Reading and checking custom field values; shared by forms, the API, imports and exports.

Values are stored as JSON: text and identifiers as strings, numbers as decimal strings (never a
float), dates as ISO strings, yes/no as booleans, a choice as the chosen option's text.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils import formats
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.models import CustomField, CustomFieldKind
from guanxi.platform.imports.values import parse_date

TEXT_LIMIT = 500
IDENTIFIER_LIMIT = 100
# Numbers are kept exactly as decimal strings; these bounds keep them readable (no 1E+999).
NUMBER_INTEGER_DIGITS = 20
NUMBER_DECIMAL_PLACES = 10
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
        exponent = number.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if number.adjusted() >= NUMBER_INTEGER_DIGITS or places > NUMBER_DECIMAL_PLACES:
            raise ServiceValidationError.for_field(
                field,
                _("Use at most %(digits)s digits before and %(places)s after the point.")
                % {"digits": NUMBER_INTEGER_DIGITS, "places": NUMBER_DECIMAL_PLACES},
            )
        return format(number, "f")
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


# Keys name JSON members and query parameters (``custom.member_no``): lower-case ASCII words
# joined by single underscores, so they never read as a Django lookup (``a__b``).
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
KEY_LIMIT = 40
# Built-in field keys of imports, exports and the API, which a custom key must not shadow.
BUILT_IN_KEYS = frozenset(
    {
        "id",
        "name",
        "family",
        "given",
        "phone",
        "phones",
        "email",
        "emails",
        "title",
        "account",
        "account_name",
        "account_role",
        "wechat_id",
        "birthday",
        "gender",
        "source",
        "external_id",
        "province",
        "city",
        "district",
        "street",
        "address",
        "postcode",
        "description",
        "tags",
        "owner",
        "team",
        "visibility",
        "industry",
        "size",
        "website",
        "pinyin",
        "custom",
        "version",
        "created_at",
        "updated_at",
        "deleted_at",
    }
)


def definitions_by_key(
    org_id: int, entity: str, *, archived: bool = False
) -> dict[str, CustomField]:
    """Every field of the entity by key; archived ones only when asked (for labels of history)."""
    fields = CustomField.objects.filter(org_id=org_id, entity=entity)
    if not archived:
        fields = fields.filter(archived=False)
    return {field.key: field for field in fields.order_by("position", "id")}


def unknown_field(key: str) -> ServiceValidationError:
    return ServiceValidationError.for_field(
        f"custom.{key}", _("No custom field “%(key)s”.") % {"key": str(key)[:40]}
    )


def clean_custom_values(
    definitions: Mapping[str, CustomField],
    raw: Mapping[str, Any],
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``{key: stored value or None}`` for each key given; ``None`` means "remove the value".

    A value equal to what the record holds is kept as it is, so that a choice removed from the
    list since, or a value written under older rules, survives an edit of other fields.
    """
    current = current or {}
    cleaned: dict[str, Any] = {}
    for key, value in raw.items():
        definition = definitions.get(key)
        if definition is None:
            raise unknown_field(key)
        if value is not None and key in current and value == current[key]:
            cleaned[key] = current[key]
        else:
            cleaned[key] = clean_custom_value(definition, value)
    return cleaned


def merged_custom(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The record's new ``custom`` dict: changes applied, removed values dropped."""
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def display_value(definition: CustomField, value: Any) -> str:
    """A stored value as people read it on pages (dates and yes/no in the user's language)."""
    if value is None or value == "":
        return ""
    if definition.kind == CustomFieldKind.BOOL:
        return str(_("Yes") if value else _("No"))
    if definition.kind == CustomFieldKind.DATE:
        try:
            return formats.date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    return str(value)


def shown_values(org_id: int, entity: str, custom: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(label, text)`` of the active fields that hold a value, in form order (360 pages)."""
    return [
        (definition.label, display_value(definition, custom[definition.key]))
        for definition in custom_fields_of(org_id, entity)
        if custom.get(definition.key) not in (None, "")
    ]


def custom_filter_params(params: Mapping[str, str]) -> dict[str, str]:
    """The ``custom.<key>=value`` pairs of a query string (list pages and the API)."""
    return {
        name.removeprefix("custom."): value
        for name, value in params.items()
        if name.startswith("custom.") and value != ""
    }


def filter_by_custom(records: QuerySet[Any], org_id: int, wanted: Mapping[str, Any]) -> Any:
    """Records whose custom values equal each of ``wanted`` (read as the field reads input, so
    ``custom.vip=是`` finds ``true`` and ``custom.since=2026/1/3`` finds ``2026-01-03``)."""
    if not wanted:
        return records
    entity = records.model._meta.model_name or ""
    definitions = definitions_by_key(org_id, entity)
    for index, (key, raw) in enumerate(wanted.items()):
        definition = definitions.get(key)
        if definition is None:
            raise unknown_field(key)
        value = clean_custom_value(definition, raw)
        if value is None:
            continue
        alias = f"custom_value_{index}"
        records = records.alias(**{alias: KeyTransform(key, "custom")}).filter(**{alias: value})
    return records
