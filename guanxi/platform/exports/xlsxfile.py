"""XLSX with flat memory: openpyxl's write-only mode writes rows to disk as they come, the
finished file is read back in chunks and deleted.

The whole workbook exists only once the last row is written (a ZIP file names its parts at the
end), so the first byte leaves after the last row is read; memory stays flat either way.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from guanxi.platform.exports.cells import FORMULA_TRIGGERS, local_naive
from guanxi.platform.imports.values import looks_like_formula

# Excel's limit per sheet, header included; more rows continue on the next sheet.
MAX_SHEET_ROWS = 1_048_576
READ_CHUNK = 256 * 1024
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(label: str, number: int) -> str:
    """Excel refuses some characters and more than 31 in a sheet name."""
    title = _SHEET_FORBIDDEN.sub(" ", label).strip() or "Sheet"
    suffix = f" ({number})" if number > 1 else ""
    return title[: 31 - len(suffix)] + suffix


def xlsx_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str
) -> Iterator[bytes]:
    descriptor, path = tempfile.mkstemp(prefix="guanxi-export-", suffix=".xlsx")
    os.close(descriptor)
    try:
        _write_workbook(path, header, rows, sheet)
        with open(path, "rb") as stream:
            while chunk := stream.read(READ_CHUNK):
                yield chunk
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _write_workbook(
    path: str, header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str
) -> None:
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    number = 0
    worksheet: Any = None
    used = MAX_SHEET_ROWS
    for row in rows:
        if used == MAX_SHEET_ROWS:
            number += 1
            worksheet = workbook.create_sheet(sheet_title(sheet, number))
            worksheet.append([_header_cell(worksheet, title, bold) for title in header])
            used = 1
        worksheet.append([_cell(worksheet, cell) for cell in row])
        used += 1
    if worksheet is None:  # no rows: still a sheet with its header
        worksheet = workbook.create_sheet(sheet_title(sheet, 1))
        worksheet.append([_header_cell(worksheet, title, bold) for title in header])
    workbook.save(path)


def _header_cell(worksheet: Any, title: str, bold: Font) -> Cell:
    cell = _cell(worksheet, title)
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(worksheet, value=cell)
    cell.font = bold
    return cell


def _cell(worksheet: Any, value: Any) -> Any:
    """A formula-like text stays text: stored as a string (never run) and marked so Excel keeps
    it text when someone edits the cell, without adding a visible apostrophe."""
    if isinstance(value, str):
        # Control characters (a pasted form feed) are not allowed in the file format at all.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value[:1] not in FORMULA_TRIGGERS or not looks_like_formula(value):
            return value
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    if isinstance(value, datetime.datetime):
        return local_naive(value)
    return value
