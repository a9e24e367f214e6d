"""What every exported cell goes through, whatever the format: formulas neutralised, times local.

A cell someone typed as ``=CMD(...)`` (or ``@SUM(...)``, ``+1+cmd|``) would run when the file is
opened in a spreadsheet; the shared import rule (``imports.values``) decides what looks like a
formula, so import and export agree.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.platform.imports.values import neutralise_formula

# The first characters after which a cell may be a formula: the rest skip the full check, which
# keeps a million-row export fast (most cells start with a letter, a digit or a CJK character).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def local_naive(moment: datetime.datetime, zone: Any = None) -> datetime.datetime:
    """The moment on the organisation's clock, without a zone (spreadsheets store none)."""
    if moment.utcoffset() is not None:
        moment = moment.astimezone(zone or timezone.get_current_timezone())
    return moment.replace(tzinfo=None, microsecond=0)


class CellText:
    """Cells as CSV text: empty for nothing, ISO dates, local date-times to the second, yes/no
    in the user's language. Built once per file (the zone and words are looked up once)."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.yes, self.no = _("yes"), _("no")

    def __call__(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return neutralise_formula(value) if value[:1] in FORMULA_TRIGGERS else value
        if isinstance(value, bool):
            return self.yes if value else self.no
        if isinstance(value, datetime.datetime):
            return local_naive(value, self.zone).isoformat(sep=" ")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)
