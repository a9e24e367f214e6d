"""CSV that Excel opens right: UTF-8 with a byte-order mark (without it Excel reads Chinese as
GBK), CRLF line ends, every text cell with its formula neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from guanxi.platform.exports.cells import FORMULA_TRIGGERS, CellText

BOM = "\ufeff".encode()
# Rows per written chunk: large enough that the csv module works in C most of the time, small
# enough that a chunk is well under a megabyte.
ROWS_PER_CHUNK = 2000


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    text = CellText()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([text(title) for title in header])
    yield BOM + buffer.getvalue().encode("utf-8")
    batch: list[list[Any]] = []
    for row in rows:
        # Plain text (the usual cell) is kept as it is, nothing is left empty (the csv module
        # writes None as an empty cell); anything else is converted.
        batch.append(
            [
                cell
                if cell is None or (cell.__class__ is str and cell[:1] not in FORMULA_TRIGGERS)
                else text(cell)
                for cell in row
            ]
        )
        if len(batch) == ROWS_PER_CHUNK:
            yield _written(buffer, writer, batch)
            batch = []
    if batch:
        yield _written(buffer, writer, batch)


def _written(buffer: io.StringIO, writer: Any, batch: list[list[Any]]) -> bytes:
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(batch)
    return buffer.getvalue().encode("utf-8")
