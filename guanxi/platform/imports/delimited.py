"""CSV and the other delimited text Excel writes: UTF-8 (with or without BOM), GB18030/GBK, UTF-16.

Excel on a Chinese Windows saves "CSV" in GB18030 without a byte-order mark and with CRLF line
ends; in locales whose decimal mark is a comma it separates cells with ``;``; its "Unicode text"
is UTF-16 with a byte-order mark and tabs. Lines are decoded one by one so that an undecodable byte
is reported with the line the user can look for.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError

SNIFF_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 20
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r", "\f", "\v"}


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) when the bytes decode as such, else GB18030.

    Excel on a Chinese Windows saves "CSV" in GB18030/GBK; every GBK file that is not plain ASCII
    fails strict UTF-8 decoding, so the check is reliable for the encodings users send.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _undecodable(line: int) -> ServiceValidationError:
    return ServiceValidationError.for_field(
        "file",
        _(
            "The file is neither UTF-8 nor GB18030 text: line %(line)s cannot be read. "
            "Save it again as “CSV UTF-8” or as an Excel workbook."
        )
        % {"line": line},
    )


def _not_text() -> ServiceValidationError:
    return ServiceValidationError.for_field(
        "file",
        _(
            "The file is not text but binary data (a picture, an archive or a program renamed "
            "to .csv?). Upload a CSV file, an Excel workbook (.xlsx) or a vCard file (.vcf)."
        ),
    )


def _byte_lines(stream: IO[bytes], encoding: str) -> Iterator[str]:
    """Decoded lines, ends kept (the csv module needs them inside quoted cells).

    A file that is plain ASCII at the start and GB18030 further on (a POS export whose first
    Chinese name comes after the sniffed sample) switches to GB18030 at its first non-UTF-8 line.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    ascii_so_far = encoding == "utf-8"
    number = 0
    for number, raw in enumerate(stream, start=1):
        try:
            text = decoder.decode(raw)
        except UnicodeDecodeError:
            if not ascii_so_far:
                raise _undecodable(number) from None
            decoder = codecs.getincrementaldecoder("gb18030")()
            ascii_so_far = False
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError:
                raise _undecodable(number) from None
        if ascii_so_far and not raw.isascii():
            ascii_so_far = False
        yield text
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _undecodable(max(number, 1)) from None


def _wide_lines(stream: IO[bytes], encoding: str) -> Iterator[str]:
    """UTF-16 cannot be split at newline bytes; a text wrapper splits it instead."""
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    number = 0
    try:
        for number, line in enumerate(text, start=1):  # noqa: B007
            yield line
    except UnicodeDecodeError:
        raise _undecodable(number + 1) from None
    finally:
        text.detach()


def sniff_delimiter(lines: Iterable[str]) -> str:
    """The delimiter that splits the first lines into the same number of cells, the most cells.

    Falls back to the one that splits the header most, then to a comma (a one-column file).
    """
    sample = [line for line in lines if line.strip()][:_SNIFF_LINES]
    best, best_key = ",", (False, 1)
    for delimiter in DELIMITERS:
        try:
            widths = [len(cells) for cells in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        key = (len(set(widths)) == 1, widths[0])
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _count_lines(stream: IO[bytes]) -> int:
    """Physical lines: the row count when no cell holds a line break (a progress estimate)."""
    count, last = 0, b""
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        count += chunk.count(b"\n")
        last = chunk
    if last and not last.endswith(b"\n"):
        count += 1
    return count


@dataclass
class DelimitedText:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total_rows: int | None


def read_delimited(stream: IO[bytes], *, count_rows: bool) -> DelimitedText:
    """The first non-blank record is the header; records are numbered as a spreadsheet shows
    them (a line break inside quotes does not start a row)."""
    stream.seek(0)
    sample = stream.read(SNIFF_BYTES)
    encoding = detect_encoding(sample)
    wide = encoding == "utf-16"
    if b"\x00" in sample and not wide:
        raise _not_text()
    preview = sample.decode(encoding, errors="replace")
    if sum(ch in _CONTROL for ch in preview) > max(len(preview) // 100, 2):
        raise _not_text()
    first_lines = preview.splitlines(keepends=True)
    if len(sample) == SNIFF_BYTES:  # the last line may be cut short
        first_lines = first_lines[:-1] or first_lines
    delimiter = sniff_delimiter(first_lines)
    # UTF-16 newlines are two bytes and cannot be counted cheaply; its files are small.
    total = _count_lines(stream) if count_rows and not wide else None
    stream.seek(0)
    lines = _wide_lines(stream, encoding) if wide else _byte_lines(stream, encoding)
    reader = csv.reader(lines, delimiter=delimiter)
    numbered = _records(reader)
    header_number, header = next(numbered, (0, []))
    if not header:
        raise ServiceValidationError.for_field("file", _("The file is empty."))
    if total is not None:
        total = max(total - header_number, 0)
    return DelimitedText(header=header, rows=numbered, total_rows=total)


def _records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with their spreadsheet row numbers (a quoted line break stays one row)."""
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            stripped = [cell.replace("\r\n", "\n").strip() for cell in cells]
            if any(stripped):
                yield number, stripped
    except csv.Error as exc:
        line = getattr(reader, "line_num", number + 1)
        raise ServiceValidationError.for_field(
            "file", _("The file is not valid CSV near line %(line)s.") % {"line": line}
        ) from exc
