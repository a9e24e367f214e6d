"""The refused rows of a batch as a CSV the user opens in Excel, fixes, and imports again.

UTF-8 with a byte-order mark so that Excel on a Chinese Windows shows the reasons correctly; cells
that would run as formulas are neutralised (the refused cell itself may be one).
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from guanxi.platform.imports.values import neutralise_formula
from guanxi.platform.models import ImportBatch


def error_report_csv(batch: ImportBatch) -> bytes:
    """One line per refused row, in file order: row, column, reason. The batch keeps the first
    1,000 reasons; a last line says how many more rows were refused when there were more."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("row"), _("column"), _("reason")])
    for error in batch.errors:
        writer.writerow(
            [
                error.get("row", ""),
                neutralise_formula(str(error.get("column", ""))),
                neutralise_formula(str(error.get("message", ""))),
            ]
        )
    more = batch.refused - len(batch.errors)
    if more > 0:
        writer.writerow(
            ["", "", _("… and %(count)s more refused rows, not listed.") % {"count": more}]
        )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
