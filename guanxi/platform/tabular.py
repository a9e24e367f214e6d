"""Reading the tables users bring: CSV (UTF-8 or GB18030, as Excel writes it) and XLSX.

Knows no domain. An importer asks for a :class:`Table`, checks its header, and walks its rows as
dictionaries keyed by the lower-cased column name. Rows are numbered as a spreadsheet shows them
(the header is row 1), so an error report points at the line the user sees.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError

SNIFF_BYTES = 256 * 1024


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) when the bytes decode as such, else GB18030.

    Excel on a Chinese Windows saves "CSV" in GB18030/GBK; every GBK file that is not plain ASCII
    fails strict UTF-8 decoding, so the check is reliable for the two encodings users send.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


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


def _normalise_header(cells: Sequence[object]) -> list[str]:
    return [str(cell or "").strip().lstrip("\ufeff").lower() for cell in cells]


def _csv_table(stream: IO[bytes], *, count_rows: bool) -> Table:
    sample = stream.read(SNIFF_BYTES)
    encoding = detect_encoding(sample)
    total = None
    if count_rows:
        total = sample.count(b"\n") + sum(
            chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b"")
        )
        if sample and not sample.endswith(b"\n") and total == 0:
            total = 1
        total = max(total - 1, 0)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        header = _normalise_header(next(reader))
    except StopIteration:
        raise ServiceValidationError.for_field("file", _("The file is empty.")) from None
    except (UnicodeDecodeError, csv.Error):
        raise ServiceValidationError.for_field(
            "file", _("The file is neither UTF-8 nor GB18030 text.")
        ) from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                yield number, dict(zip(header, (c.strip() for c in cells), strict=False))
        except UnicodeDecodeError:
            raise ServiceValidationError.for_field(
                "file", _("The file is neither UTF-8 nor GB18030 text.")
            ) from None
        except csv.Error as exc:
            raise ServiceValidationError.for_field(
                "file",
                _("The file is not valid CSV near line %(line)s.") % {"line": reader.line_num},
            ) from exc

    return Table(columns=header, rows=rows(), total_rows=total)


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_table(stream: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ServiceValidationError.for_field(
            "file", _("The file could not be read as an Excel workbook.")
        ) from exc
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    try:
        header = _normalise_header(next(cells))
    except StopIteration:
        raise ServiceValidationError.for_field("file", _("The file is empty.")) from None
    total = max((sheet.max_row or 1) - 1, 0)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(cells, start=2):
            texts = [_xlsx_cell(v) for v in values]
            if any(texts):
                yield number, dict(zip(header, texts, strict=False))
        workbook.close()

    return Table(columns=header, rows=rows(), total_rows=total)


def open_table(stream: IO[bytes], *, name: str, count_rows: bool = True) -> Table:
    """A table from a binary, seekable stream; ``name`` decides the format by its extension."""
    if Path(name).suffix.lower() in {".xlsx", ".xlsm"}:
        return _xlsx_table(stream)
    return _csv_table(stream, count_rows=count_rows)
