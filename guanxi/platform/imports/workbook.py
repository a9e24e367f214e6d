"""Excel workbooks (.xlsx): one sheet of several, read in openpyxl's read-only (streaming) mode.

Read-only mode keeps memory flat for big sheets but knows nothing of merged cells, so the merges
are read from the sheet's XML (its ``<mergeCells>`` come after the data and are found by streaming
the decompressed part once). A header cell merged over several columns names each of them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_CHUNK = 1 << 20


def _broken() -> ServiceValidationError:
    return ServiceValidationError.for_field(
        "file",
        _(
            "The file could not be read as an Excel workbook: it is damaged or not an .xlsx file. "
            "Open it in Excel and save it again as .xlsx or CSV."
        ),
    )


def cell_text(value: object) -> str:
    """A cell as the user typed it: dates in ISO form, ``123`` for the float Excel stores."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _merges(workbook: Any, sheet: Any) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of each merged range, 1-based."""
    archive = getattr(workbook, "_archive", None)
    path = getattr(sheet, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    matches: list[tuple[bytes, ...]] = []
    tail = b""
    with archive.open(path) as part:
        for chunk in iter(lambda: part.read(_CHUNK), b""):
            text = tail + chunk
            cut = max(text.rfind(b"<"), 0)  # a tag cut in two is searched with the next chunk
            matches.extend(match.groups() for match in _MERGE.finditer(text, 0, cut))
            tail = text[cut:]
        matches.extend(match.groups() for match in _MERGE.finditer(tail))
    return [
        (int(row1), _column_number(col1), int(row2), _column_number(col2))
        for col1, row1, col2, row2 in matches
    ]


def _spread_merged(header: list[str], row: int, merges: list[tuple[int, int, int, int]]) -> None:
    for first_row, first_col, last_row, last_col in merges:
        if first_row <= row <= last_row and first_col <= len(header):
            text = header[first_col - 1]
            for column in range(first_col, min(last_col, len(header)) + 1):
                header[column - 1] = text


@dataclass
class SheetRows:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total_rows: int | None
    sheets: list[str]
    sheet: str


def read_workbook(stream: IO[bytes], *, sheet: str | None) -> SheetRows:
    from openpyxl import load_workbook

    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _broken() from exc
    names = list(workbook.sheetnames)
    if sheet is None or sheet == "":
        chosen = names[0]
    elif sheet in names:
        chosen = sheet
    else:
        workbook.close()
        raise ServiceValidationError.for_field(
            "sheet",
            _("The workbook has no sheet “%(sheet)s”. Its sheets are: %(names)s.")
            % {"sheet": sheet, "names": ", ".join(names)},
        )
    worksheet = workbook[chosen]
    values = _values(worksheet)
    try:
        header_number, header = next(values, (0, []))
        merges = _merges(workbook, worksheet) if header else []
    except ServiceValidationError:
        workbook.close()
        raise
    except Exception as exc:
        workbook.close()
        raise _broken() from exc
    if not header:
        workbook.close()
        raise ServiceValidationError.for_field(
            "file", _("The sheet “%(sheet)s” is empty.") % {"sheet": chosen}
        )
    _spread_merged(header, header_number, merges)
    total = max(worksheet.max_row - header_number, 0) if worksheet.max_row else None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            yield from values
        finally:
            workbook.close()

    return SheetRows(header=header, rows=rows(), total_rows=total, sheets=names, sheet=chosen)


def _values(worksheet: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with their row numbers; a damaged part fails while streaming, said clearly."""
    try:
        for number, cells in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            texts = [cell_text(value) for value in cells]
            if any(texts):
                yield number, texts
    except Exception as exc:  # XML and zip errors of every kind
        raise _broken() from exc
