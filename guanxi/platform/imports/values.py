"""Cell values as people type them: dates in Chinese and ISO forms, and cells that are formulas.

Pure functions, no domain: the importers of every module normalise with them.
"""

from __future__ import annotations

import datetime
import re

_DIGITS8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$"
)
# Excel stores dates as days since 1899-12-30; a bare number in this range in a date column is one.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_SERIAL = re.compile(r"^\d{4,5}(\.0+)?$")
_CHINESE_DIGITS = str.maketrans("〇一二三四五六七八九０１２３４５６７８９", "01234567890123456789")


def parse_date(raw: str) -> datetime.date | None:
    """``2026-01-03``, ``2026/1/3``, ``2026.1.3``, ``20260103``, ``2026年1月3日``, ``3/1/2026``
    (day first, as China and most of the world write it), an ISO date-time, or an Excel serial
    number; ``None`` for anything else (the caller says why it was refused)."""
    text = (raw or "").strip().translate(_CHINESE_DIGITS)
    if not text:
        return None
    if match := _ISO_TIME.match(text):
        text = match.group(1)
    for pattern, order in ((_DIGITS8, (1, 2, 3)), (_SEPARATED, (1, 2, 3)), (_DAY_FIRST, (3, 2, 1))):
        if match := pattern.match(text):
            year, month, day = (int(match.group(i)) for i in order)
            try:
                return datetime.date(year, month, day)
            except ValueError:
                return None
    if _EXCEL_SERIAL.match(text):
        serial = int(float(text))
        if 1 <= serial <= 2958465:
            return _EXCEL_EPOCH + datetime.timedelta(days=serial)
    return None


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[\d\s().,/-]+$")


def looks_like_formula(value: str) -> bool:
    """A cell a spreadsheet would run as a formula (``=CMD(...)``, ``@SUM(...)``, ``+1+cmd|``).

    Phone numbers (``+86 138 ...``) and negative amounts (``-12.50``) start with the same signs
    and are not formulas: only digits, spaces and punctuation may follow ``+`` or ``-``.
    """
    if not value or not value.startswith(_FORMULA_START):
        return False
    return not (value[0] in "+-" and _NUMBER_LIKE.match(value))


def neutralise_formula(value: str) -> str:
    """For export: a leading apostrophe makes a spreadsheet show the text instead of running it."""
    return "'" + value if looks_like_formula(value) else value
