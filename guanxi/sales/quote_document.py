"""A quote as a document: the same template for the page and the PDF.

The PDF is rendered by WeasyPrint with the system's Noto Sans CJK SC (Debian's fonts-noto-cjk),
which it embeds as a subset, so the Chinese text reads back with ``pdftotext`` on any machine.
It is written in the language of the request (the customer's copy follows the rep's language).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.core.errors import ConflictError
from guanxi.platform.models import Organization
from guanxi.sales.choices import ApprovalStatus
from guanxi.sales.models import Quote


def document_context(quote: Quote, *, show_rules: bool) -> dict[str, Any]:
    return {
        "quote": quote,
        "lines": list(quote.lines.select_related("product")),
        "organization": Organization.objects.get(pk=quote.org_id),
        "show_rules": show_rules,
        "language": translation.get_language() or "zh-hans",
    }


def quote_pdf(quote: Quote) -> bytes:
    """Refused while the discount waits for approval or was refused: the PDF is what goes to
    the customer, and an unapproved discount must not reach them this way either."""
    if quote.approval in (ApprovalStatus.PENDING, ApprovalStatus.REFUSED):
        raise ConflictError(_("The discount is not approved: the quote can be printed once it is."))
    from weasyprint import HTML  # imported when needed: it loads pango and the fonts

    html = render_to_string("sales/quote_pdf.html", document_context(quote, show_rules=False))
    return bytes(HTML(string=html).write_pdf())
