"""What a domain provides to make a kind of record importable.

``fields`` lists what a column may be mapped to, with the header words (Chinese and English) that
propose the mapping. ``write_chunk`` receives rows already mapped — for each row its file row
number and ``{field key: [cell, ...]}`` (one cell per column mapped to the field, in column
order) — and writes them inside the transaction the framework opened, reporting per row what
happened. ``undo`` takes back what one batch wrote, from the :class:`ImportChange` rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

MappedRow = dict[str, list[str]]


@dataclass(frozen=True)
class ImportField:
    key: str  # "name", "name.family", "phone", "custom.member_no"
    label: str  # shown in the mapping UI, in the user's language
    aliases: tuple[str, ...] = ()  # header words that propose this field, lower-case
    several: bool = False  # several columns may feed it (joined, or several values)
    required: bool = False


@dataclass
class RowError:
    row: int  # file row number, header = 1
    column: str  # the column (or field) at fault
    message: str


@dataclass
class ChangeRecord:
    """One record written, for undo (see ``platform.models.ImportChange``)."""

    target_type: str
    target_id: int
    action: str  # "created" or "updated"
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


@dataclass
class ChunkResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[ChangeRecord] = field(default_factory=list)
    # The first rows as they would be stored, for the dry-run preview: {field label: value}.
    preview: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ChunkContext:
    actor: Any
    on_match: str  # "create" | "update" | "skip"
    dry_run: bool
    options: dict[str, Any]
    source: str  # the file name, for the records' "source"
    batch_id: int | None = None


class Importer(Protocol):
    kind: str  # "contacts"
    label: str

    def fields(self, actor: Any) -> Sequence[ImportField]: ...

    def check_permission(self, actor: Any) -> None:
        """Raise ``PermissionDeniedError`` when the actor may not import this kind."""

    def required_fields(self) -> Sequence[str]:
        """Field keys of which at least one must be mapped (e.g. a name or a phone)."""

    def write_chunk(
        self, context: ChunkContext, rows: Sequence[tuple[int, MappedRow]]
    ) -> ChunkResult: ...

    def undo(self, actor: Any, changes: Sequence[Any]) -> dict[str, int]:
        """Remove what was created, restore what was updated; returns counts per outcome."""


_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _IMPORTERS[importer.kind] = importer


def importer_for(kind: str) -> Importer | None:
    return _IMPORTERS.get(kind)


def registered_importers() -> tuple[Importer, ...]:
    return tuple(_IMPORTERS.values())
