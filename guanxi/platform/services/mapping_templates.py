"""Saved column mappings ("our POS export"), reused by name from the import page or ``--mapping``.

A template belongs to the organisation and one kind of import; saving under a name already used
replaces that mapping, so "save" after adjusting a column is all a user has to do. Only those who
may run that kind of import may save or read its templates.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFoundError, ServiceValidationError
from guanxi.platform.imports.registry import Importer, importer_for
from guanxi.platform.models import MappingTemplate
from guanxi.platform.services.audit import audit_record

NAME_LENGTH = 80


def _importer(actor: Any, kind: str) -> Importer:
    importer = importer_for(kind)
    if importer is None:
        raise ServiceValidationError.for_field(
            "kind", _("Nothing called “%(kind)s” can be imported.") % {"kind": kind}
        )
    importer.check_permission(actor)
    return importer


def _clean_mapping(actor: Any, importer: Importer, mapping: Any) -> dict[str, str]:
    if not isinstance(mapping, dict) or not all(
        isinstance(column, str) and isinstance(key, str) for column, key in mapping.items()
    ):
        raise ServiceValidationError.for_field(
            "mapping", _("A mapping pairs column names with field keys.")
        )
    known = {field.key for field in importer.fields(actor)}
    cleaned = {column.strip(): key for column, key in mapping.items() if column.strip() and key}
    unknown = sorted(set(cleaned.values()) - known)
    if unknown:
        raise ServiceValidationError.for_field(
            "mapping",
            _("“%(field)s” is not a field you can import. The fields are: %(fields)s.")
            % {"field": unknown[0], "fields": ", ".join(sorted(known))},
        )
    if not cleaned:
        raise ServiceValidationError.for_field("mapping", _("The mapping maps no column."))
    return cleaned


def mapping_template_save(
    *, actor: Any, kind: str, name: str, mapping: dict[str, str]
) -> MappingTemplate:
    importer = _importer(actor, kind)
    name = " ".join(name.split())
    if not name:
        raise ServiceValidationError.for_field("name", _("Give the mapping a name."))
    if len(name) > NAME_LENGTH:
        raise ServiceValidationError.for_field(
            "name", _("At most %(count)s characters.") % {"count": NAME_LENGTH}
        )
    cleaned = _clean_mapping(actor, importer, mapping)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _save(actor, kind, name, cleaned)
        except IntegrityError:
            if attempt:  # another save of the same name won twice: let the caller see it
                raise
    raise AssertionError("unreachable")


def _save(actor: Any, kind: str, name: str, mapping: dict[str, str]) -> MappingTemplate:
    template = (
        MappingTemplate.objects.select_for_update()
        .filter(org_id=actor.org_id, kind=kind, name=name)
        .first()
    )
    if template is None:
        template = MappingTemplate.objects.create(
            org_id=actor.org_id, kind=kind, name=name, mapping=mapping
        )
        before = None
        verb = "platform.mapping_template.created"
    else:
        before = template.mapping
        template.mapping = mapping
        template.save(update_fields=["mapping", "updated_at"])
        verb = "platform.mapping_template.replaced"
    audit_record(
        actor=actor,
        verb=verb,
        target=template,
        changes={"kind": kind, "name": name, "mapping": {"before": before, "after": mapping}},
    )
    return template


def mapping_template_get(actor: Any, kind: str, name: str) -> MappingTemplate:
    _importer(actor, kind)
    template = MappingTemplate.objects.filter(
        org_id=actor.org_id, kind=kind, name=" ".join(name.split())
    ).first()
    if template is None:
        raise NotFoundError(
            _("There is no saved mapping “%(name)s” for this import.") % {"name": name}
        )
    return template
