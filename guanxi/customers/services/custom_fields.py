"""Writes for custom fields: administrators define them; record services write their values.

A field's ``key`` and ``kind`` never change once added (stored values, imports' mappings and API
clients depend on them); its label, options and position do, and a field no longer wanted is
archived rather than deleted, so that its values and history stay readable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.custom_fields import (
    BUILT_IN_KEYS,
    KEY_LIMIT,
    KEY_PATTERN,
    clean_custom_values,
    definitions_by_key,
    merged_custom,
)
from guanxi.customers.models import (
    CustomField,
    CustomFieldEntity,
    CustomFieldKind,
    CustomIdentifier,
)
from guanxi.customers.permissions import CustomerPermission
from guanxi.platform.records import require_permission
from guanxi.platform.services.audit import audit_record, diff, snapshot
from guanxi.platform.visibility import can_see

LABEL_LIMIT = 60
OPTION_LIMIT = 60
MAX_OPTIONS = 50
AUDITED = ("entity", "key", "label", "kind", "choices", "position", "archived")

CUSTOM_FIELD_VERB_LABELS = {
    "customers.custom_field.added": gettext_noop("Custom field added"),
    "customers.custom_field.changed": gettext_noop("Custom field changed"),
    "customers.custom_field.archived": gettext_noop("Custom field archived"),
    "customers.custom_field.restored": gettext_noop("Custom field restored"),
}

_error = ServiceValidationError.for_field


def _clean_key(org_id: int, entity: str, key: str) -> str:
    key = str(key or "").strip()
    if not KEY_PATTERN.match(key) or len(key) > KEY_LIMIT:
        raise _error(
            "key",
            _(
                "Use lower-case letters, digits and single underscores, starting with a letter "
                "(at most %(count)s characters), e.g. member_no."
            )
            % {"count": KEY_LIMIT},
        )
    if key in BUILT_IN_KEYS:
        raise _error("key", _("“%(key)s” is a built-in field.") % {"key": key})
    if CustomField.objects.filter(org_id=org_id, entity=entity, key=key).exists():
        raise _key_taken(key)
    return key


def _key_taken(key: str) -> ServiceValidationError:
    return _error("key", _("A field with the key “%(key)s” exists already.") % {"key": key})


def _clean_label(label: str) -> str:
    label = " ".join(str(label or "").split())
    if not label:
        raise _error("label", _("A field needs a label."))
    if len(label) > LABEL_LIMIT:
        raise _error("label", _("At most %(count)s characters.") % {"count": LABEL_LIMIT})
    return label


def _clean_choices(kind: str, choices: Sequence[str]) -> list[str]:
    options: list[str] = []
    for raw in choices:
        option = " ".join(str(raw).split())
        if len(option) > OPTION_LIMIT:
            raise _error("choices", _("At most %(count)s characters.") % {"count": OPTION_LIMIT})
        if option and option not in options:
            options.append(option)
    if kind != CustomFieldKind.CHOICE:
        if options:
            raise _error("choices", _("Only a choice field has options."))
        return []
    if not options:
        raise _error("choices", _("A choice field needs at least one option."))
    if len(options) > MAX_OPTIONS:
        raise _error("choices", _("At most %(count)s options.") % {"count": MAX_OPTIONS})
    return options


def _audit(actor: Any, verb: str, field: CustomField, before: dict[str, Any]) -> None:
    audit_record(
        actor=actor, verb=verb, target=field, changes=diff(before, snapshot(field, AUDITED))
    )


@transaction.atomic
def custom_field_add(
    *,
    actor: Any,
    entity: str,
    key: str,
    kind: str,
    label: str,
    choices: Sequence[str] = (),
) -> CustomField:
    require_permission(actor, CustomerPermission.MANAGE_FIELDS)
    if entity not in CustomFieldEntity.values:
        raise _error("entity", _("Custom fields are for contacts or accounts."))
    if kind not in CustomFieldKind.values:
        raise _error("kind", _("Unknown kind of field."))
    field = CustomField(
        org_id=actor.org_id,
        entity=entity,
        key=_clean_key(actor.org_id, entity, key),
        kind=kind,
        label=_clean_label(label),
        choices=_clean_choices(kind, choices),
    )
    last = CustomField.objects.filter(org_id=actor.org_id, entity=entity).aggregate(
        last=Max("position")
    )["last"]
    field.position = 0 if last is None else last + 1
    try:
        with transaction.atomic():
            field.save()
    except IntegrityError:
        raise _key_taken(field.key) from None
    _audit(actor, "customers.custom_field.added", field, {})
    return field


def _locked(actor: Any, field: CustomField) -> CustomField:
    require_permission(actor, CustomerPermission.MANAGE_FIELDS)
    return CustomField.objects.select_for_update().get(pk=field.pk, org_id=actor.org_id)


@transaction.atomic
def custom_field_update(
    *,
    actor: Any,
    field: CustomField,
    label: str | None = None,
    choices: Sequence[str] | None = None,
    position: int | None = None,
) -> CustomField:
    """Change what may change; options removed from a choice stay on the records that hold them."""
    field = _locked(actor, field)
    before = snapshot(field, AUDITED)
    if label is not None:
        field.label = _clean_label(label)
    if choices is not None:
        field.choices = _clean_choices(field.kind, choices)
    if position is not None:
        if not 0 <= int(position) <= 32767:
            raise _error("position", _("Enter a position from 0 to 32767."))
        field.position = int(position)
    if snapshot(field, AUDITED) != before:
        field.save(update_fields=["label", "choices", "position", "updated_at"])
        _audit(actor, "customers.custom_field.changed", field, before)
    return field


def _set_archived(actor: Any, field: CustomField, archived: bool, verb: str) -> CustomField:
    field = _locked(actor, field)
    if field.archived != archived:
        before = snapshot(field, AUDITED)
        field.archived = archived
        field.save(update_fields=["archived", "updated_at"])
        _audit(actor, verb, field, before)
    return field


@transaction.atomic
def custom_field_archive(*, actor: Any, field: CustomField) -> CustomField:
    """Hide the field from forms, lists and the API; values and identifiers stay stored."""
    return _set_archived(actor, field, True, "customers.custom_field.archived")


@transaction.atomic
def custom_field_restore(*, actor: Any, field: CustomField) -> CustomField:
    return _set_archived(actor, field, False, "customers.custom_field.restored")


# Values on records ---------------------------------------------------------------------------


def entity_of(record: models.Model) -> str:
    return record._meta.model_name or ""


def custom_changes(actor: Any, record: Any, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The record's new ``custom`` dict for ``raw`` (``{key: value}``, ``None``/"" removes)."""
    current = record.custom or {}
    if not raw:
        return dict(current)
    if not isinstance(raw, Mapping):
        raise _error("custom", _("Send custom fields as an object of key: value."))
    definitions = definitions_by_key(actor.org_id, entity_of(record))
    cleaned = clean_custom_values(definitions, raw, current)
    merged = merged_custom(current, cleaned)
    _check_identifiers(actor, record, definitions, merged)
    return merged


def _identifier_definitions(record: Any, definitions: Mapping[str, CustomField] | None) -> Any:
    if definitions is None:
        definitions = definitions_by_key(record.org_id, entity_of(record), archived=True)
    return [d for d in definitions.values() if d.kind == CustomFieldKind.IDENTIFIER]


def _holder(identifier: CustomIdentifier) -> Any:
    return identifier.contact if identifier.contact_id else identifier.account


def _check_identifiers(
    actor: Any, record: Any, definitions: Mapping[str, CustomField], custom: Mapping[str, Any]
) -> None:
    """Refuse an identifier another record holds, naming that record only to who may see it."""
    entity = entity_of(record)
    for definition in _identifier_definitions(record, definitions):
        value = custom.get(definition.key)
        if value in (None, ""):
            continue
        taken = CustomIdentifier.objects.filter(field=definition, value=value)
        if record.pk is not None:
            taken = taken.exclude(**{f"{entity}_id": record.pk})
        holder = taken.select_related("contact", "account").first()
        if holder is not None:
            raise _identifier_taken(actor, definition, _holder(holder))


def _identifier_taken(actor: Any, definition: CustomField, holder: Any) -> ServiceValidationError:
    if holder is not None and can_see(actor, holder):
        message = _("Already used by another customer, “%(name)s”.") % {"name": holder.name}
    else:
        message = _("Already used by another customer.")
    return _error(f"custom.{definition.key}", message)


def write_identifiers(actor: Any, record: Any) -> None:
    """Mirror the record's identifier values into ``CustomIdentifier`` (after the record is
    saved, in its transaction). Its unique constraint settles two writers racing for one value:
    the loser's savepoint rolls back and it gets the same answer as the check before."""
    entity = entity_of(record)
    custom = record.custom or {}
    held = {
        row.field_id: row for row in CustomIdentifier.objects.filter(**{f"{entity}_id": record.pk})
    }
    for definition in _identifier_definitions(record, None):
        value = custom.get(definition.key)
        row = held.get(definition.pk)
        if row is not None and row.value == value:
            continue
        if row is not None:
            row.delete()
        if value in (None, ""):
            continue
        try:
            with transaction.atomic():
                CustomIdentifier.objects.create(field=definition, value=value, **{entity: record})
        except IntegrityError:
            taken = CustomIdentifier.objects.filter(field=definition, value=value)
            holder = taken.select_related("contact", "account").first()
            raise _identifier_taken(
                actor, definition, _holder(holder) if holder else None
            ) from None


def custom_snapshot(record: Any, before: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Audit entries ``custom.<key>`` so that custom values read like built-in fields; the keys
    of ``before`` (a snapshot) that the record no longer holds come out as removed (``None``)."""
    data: dict[str, Any] = {key: None for key in (before or {}) if key.startswith("custom.")}
    data.update({f"custom.{key}": value for key, value in sorted((record.custom or {}).items())})
    return data
