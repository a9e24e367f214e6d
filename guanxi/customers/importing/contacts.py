"""The ``contacts`` importer the platform's import framework calls (see
``guanxi.platform.imports.registry``): fields to map, one chunk at a time, and undo."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy

from guanxi.customers.importing.chunk import ContactChunk
from guanxi.customers.importing.chunking import CustomerImporter
from guanxi.customers.importing.fields import REQUIRED_ANY, contact_import_fields
from guanxi.customers.importing.undo import undo_contact_import


class ContactImporter(CustomerImporter):
    kind = "contacts"
    # Lazy: shown in the user's language wherever it is rendered.
    label: str = cast(str, gettext_lazy("Contacts"))
    chunk_class = ContactChunk
    fields_of = staticmethod(contact_import_fields)
    required = REQUIRED_ANY
    undo_changes = staticmethod(undo_contact_import)
