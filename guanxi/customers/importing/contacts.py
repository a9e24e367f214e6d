"""The ``contacts`` importer the platform's import framework calls (see
``guanxi.platform.imports.registry``): fields to map, one chunk at a time, and undo."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.utils.translation import gettext_lazy

from guanxi.customers.importing.chunk import ContactChunk
from guanxi.customers.importing.fields import REQUIRED_ANY, contact_import_fields
from guanxi.customers.importing.undo import undo_contact_import
from guanxi.customers.permissions import CustomerPermission
from guanxi.platform.imports.registry import ChunkContext, ChunkResult, ImportField, MappedRow
from guanxi.platform.records import require_permission


class ContactImporter:
    kind = "contacts"
    # Lazy: shown in the user's language wherever it is rendered.
    label: str = cast(str, gettext_lazy("Contacts"))

    def fields(self, actor: Any) -> Sequence[ImportField]:
        return contact_import_fields(actor)

    def check_permission(self, actor: Any) -> None:
        require_permission(actor, CustomerPermission.ADD_CUSTOMERS)

    def required_fields(self) -> Sequence[str]:
        return REQUIRED_ANY

    def write_chunk(
        self, context: ChunkContext, rows: Sequence[tuple[int, MappedRow]]
    ) -> ChunkResult:
        self.check_permission(context.actor)
        return ContactChunk(context).run(rows)

    def undo(self, actor: Any, changes: Sequence[Any]) -> dict[str, int]:
        return undo_contact_import(actor, changes)
