"""Which values of two duplicate records a merge chooses between, shared by the merge service and
the side-by-side comparison page, so that what the page offers is exactly what the merge does.

A field's surviving value is the target's unless the person chose the source's; an empty target
value is filled from the source. Province, city and district are one choice (``province``), so
the survivor never gets a city of another province. Phones, e-mails and tags are not chosen but
united; identifier custom fields and the external id move only to a survivor that has none (they
are unique).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Literal

from django.db import models

from guanxi.customers.models import Account, Contact, CustomField, CustomFieldKind

Side = Literal["target", "source"]
SIDES: tuple[Side, ...] = ("target", "source")
CUSTOM_PREFIX = "custom."

CHOSEN_FIELDS: dict[str, tuple[str, ...]] = {
    "contact": (
        "name",
        "title",
        "account",
        "account_role",
        "wechat_id",
        "birthday",
        "gender",
        "source",
        "province",
        "street",
        "postcode",
        "description",
    ),
    "account": (
        "name",
        "industry",
        "size",
        "website",
        "province",
        "street",
        "postcode",
        "description",
    ),
}
MODELS: dict[str, type[Contact] | type[Account]] = {"contact": Contact, "account": Account}
# Chosen with ``province``: the three names only make sense together.
REGION = ("province", "city", "district")


def columns_of(entity: str, name: str) -> tuple[str, ...]:
    """The model attributes one choice sets."""
    return REGION if name == "province" else (attname(entity, name),)


def region_text(record: Any) -> str:
    return " ".join(part for part in (record.province, record.city, record.district) if part)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def model_field(entity: str, name: str) -> models.Field[Any, Any]:
    field = MODELS[entity]._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def attname(entity: str, name: str) -> str:
    """``account`` is stored as ``account_id``; the others under their own name."""
    return model_field(entity, name).attname


def stored(value: Any) -> Any:
    """A value as JSON keeps it (dates as ISO text)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def loaded(entity: str, name: str, value: Any) -> Any:
    """The model value of a stored one."""
    if value is None:
        return None
    return model_field(entity, name).to_python(value)


def identifier_keys(org_id: int, entity: str) -> set[str]:
    return set(
        CustomField.objects.filter(
            org_id=org_id, entity=entity, kind=CustomFieldKind.IDENTIFIER
        ).values_list("key", flat=True)
    )


@dataclass(frozen=True)
class FieldChoice:
    """One row of the comparison: the key a choice is sent under, both values, the default."""

    key: str
    label: str
    target: Any
    source: Any
    default: Side

    @property
    def differs(self) -> bool:
        return self.target != self.source


def default_side(target: Any, source: Any) -> Side:
    return "source" if is_empty(target) and not is_empty(source) else "target"


def field_choices(entity: str, target: Any, source: Any) -> list[FieldChoice]:
    """Every choosable field and custom value, in form order (identifiers are not choosable)."""
    rows = []
    for name in CHOSEN_FIELDS[entity]:
        field = model_field(entity, name)
        if name == "province":
            label = " / ".join(str(model_field(entity, n).verbose_name) for n in REGION)
            mine, theirs = region_text(target), region_text(source)
        elif name == "account":
            label, mine, theirs = str(field.verbose_name), target.account, source.account
        else:
            label = str(field.verbose_name)
            mine, theirs = getattr(target, field.attname), getattr(source, field.attname)
        rows.append(FieldChoice(name, label, mine, theirs, default_side(mine, theirs)))
    definitions = CustomField.objects.filter(org_id=target.org_id, entity=entity).exclude(
        kind=CustomFieldKind.IDENTIFIER
    )
    for definition in definitions.order_by("position", "id"):
        mine, theirs = target.custom.get(definition.key), source.custom.get(definition.key)
        if is_empty(mine) and is_empty(theirs):
            continue
        rows.append(
            FieldChoice(
                CUSTOM_PREFIX + definition.key,
                definition.label,
                mine,
                theirs,
                default_side(mine, theirs),
            )
        )
    return rows
