"""What a domain provides to make one of its lists exportable.

``rows(actor, filters)`` returns the column titles and an iterator of rows — only records the
actor may see, with the filters the domain's list page and API accept — read in chunks so that a
million rows never sit in memory. ``vcards`` is there for kinds that are people or companies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from guanxi.platform.exports.vcards import VCard

Filters = Mapping[str, Any]


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Iterator[Sequence[Any]]


class Exporter(Protocol):
    kind: str  # "contacts"
    label: Any  # a lazy translation: the file name's first word and the sheet's name
    formats: tuple[str, ...]  # of FORMATS; "vcf" only when ``vcards`` gives cards

    def check_permission(self, actor: Any) -> None:
        """Raise ``PermissionDeniedError`` when the actor may not export this kind."""

    def rows(self, actor: Any, filters: Filters) -> Table: ...

    def vcards(self, actor: Any, filters: Filters) -> Iterator[VCard]:
        """The records as cards (only asked when ``formats`` names "vcf")."""


_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(exporter: Exporter) -> None:
    _EXPORTERS[exporter.kind] = exporter


def exporter_for(kind: str) -> Exporter | None:
    return _EXPORTERS.get(kind)


def registered_exporters() -> tuple[Exporter, ...]:
    return tuple(_EXPORTERS.values())
