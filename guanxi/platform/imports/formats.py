"""One way to read every file people import: CSV (any encoding and delimiter Excel writes), XLSX
(one sheet of several) and vCard, as a header and numbered rows of text cells.

The format is chosen from the content first (a workbook renamed ``.csv`` is still a workbook)
and then from the name. Anything that cannot be read raises
``ServiceValidationError.for_field("file", ...)`` before a single row is handed out, or, for a
fault deep in a big file, while the rows are read; nothing has been written either way.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.platform.imports.delimited import read_delimited
from guanxi.platform.imports.vcard import read_vcards
from guanxi.platform.imports.workbook import read_workbook

_ZIP = b"PK\x03\x04"
_OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc: the pre-2007 compound file
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
_VCARD_SUFFIXES = {".vcf", ".vcard"}


@dataclass
class Source:
    columns: list[str]
    sheets: list[str]
    sheet: str
    rows: Iterator[tuple[int, list[str]]]
    total_rows: int | None
    format: str  # "csv" | "xlsx" | "vcard"


def clean_header(cells: Sequence[str]) -> list[str]:
    """Header texts as written, stripped; duplicates become "客户", "客户 (2)", "客户 (3)".

    Blank cells stay blank (such a column cannot be mapped); blank cells at the end of the header
    are dropped, as Excel leaves trailing separators and empty formatted columns behind.
    """
    texts = [str(cell).replace("\ufeff", "").strip() for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    seen: set[str] = set()
    header: list[str] = []
    for text in texts:
        unique, count = text, 1
        while unique and unique in seen:
            count += 1
            unique = f"{text} ({count})"
        seen.add(unique)
        header.append(unique)
    return header


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _check_size(stream: IO[bytes], max_bytes: int | None) -> bytes:
    size = _size(stream)
    if max_bytes is not None and size > max_bytes:
        raise ServiceValidationError.for_field(
            "file",
            _("The file is %(size)s; at most %(limit)s can be imported at once.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    head = stream.read(4096)
    stream.seek(0)
    if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise ServiceValidationError.for_field("file", _("The file is empty."))
    return head


def _format_of(head: bytes, name: str) -> str:
    if head.startswith(_OLD_EXCEL):
        raise ServiceValidationError.for_field(
            "file",
            _(
                "This is an old Excel file (.xls), which cannot be read. Open it in Excel and "
                "save it as .xlsx or CSV."
            ),
        )
    suffix = Path(name).suffix.lower()
    if head.startswith(_ZIP) or suffix in _WORKBOOK_SUFFIXES:
        return "xlsx"
    text = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").upper()
    if suffix in _VCARD_SUFFIXES or text.startswith(b"BEGIN:VCARD"):
        return "vcard"
    return "csv"


def open_source(
    stream: IO[bytes],
    *,
    name: str,
    sheet: str | None = None,
    count_rows: bool = True,
    max_bytes: int | None = None,
) -> Source:
    """A readable, seekable binary stream as a header and its rows (header = row 1).

    ``max_bytes`` is the caller's limit (usually ``settings.GUANXI_IMPORT_MAX_BYTES``);
    ``count_rows`` reads a CSV once more to estimate ``total_rows`` for a progress bar.
    """
    head = _check_size(stream, max_bytes)
    kind = _format_of(head, name)
    if kind == "xlsx":
        book = read_workbook(stream, sheet=sheet)
        columns = clean_header(book.header)
        return Source(
            columns=columns,
            sheets=book.sheets,
            sheet=book.sheet,
            rows=_aligned(book.rows, len(columns)),
            total_rows=book.total_rows,
            format="xlsx",
        )
    if kind == "vcard":
        cards = read_vcards(stream)
        return Source(
            columns=cards.header,
            sheets=[],
            sheet="",
            rows=cards.rows,
            total_rows=cards.total_rows,
            format="vcard",
        )
    text = read_delimited(stream, count_rows=count_rows)
    columns = clean_header(text.header)
    return Source(
        columns=columns,
        sheets=[],
        sheet="",
        rows=_aligned(text.rows, len(columns)),
        total_rows=text.total_rows,
        format="csv",
    )


def _aligned(rows: Iterator[tuple[int, list[str]]], width: int) -> Iterator[tuple[int, list[str]]]:
    """Exactly one cell per column; cells beyond the header have no column and are dropped."""
    for number, cells in rows:
        if len(cells) != width:
            cells = (cells + [""] * width)[:width]
            if not any(cells):
                continue
        yield number, cells
