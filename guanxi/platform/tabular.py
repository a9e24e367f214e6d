"""The order import's view of a file: a header and rows as dictionaries keyed by column name.

Knows no domain. A thin layer over :func:`guanxi.platform.imports.formats.open_source` (which
reads CSV in any encoding Excel writes, XLSX and vCard) for code that wants each row as a
dictionary keyed by the lower-cased column name. Rows are numbered as a spreadsheet shows them
(the header is row 1), so an error report points at the line the user sees.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.platform.imports.formats import open_source


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    total_rows: int | None

    def require(self, required: Sequence[str]) -> None:
        missing = [name for name in required if name not in self.columns]
        if missing:
            raise ServiceValidationError.for_field(
                "file",
                _("The file lacks the column(s) %(missing)s. Its header must contain %(needed)s.")
                % {"missing": ", ".join(missing), "needed": ", ".join(required)},
            )


def open_table(
    stream: IO[bytes],
    *,
    name: str,
    count_rows: bool = True,
    sheet: str | None = None,
    max_bytes: int | None = None,
) -> Table:
    """A table from a binary, seekable stream; the content and ``name`` decide the format."""
    source = open_source(stream, name=name, sheet=sheet, count_rows=count_rows, max_bytes=max_bytes)
    columns = [column.lower() for column in source.columns]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in source.rows:
            yield number, dict(zip(columns, cells, strict=True))

    return Table(columns=columns, rows=rows(), total_rows=source.total_rows)
