"""``GET /api/v1/contacts/export`` and ``/api/v1/accounts/export``: a list, with the list
endpoint's filters, as a streamed CSV, XLSX or vCard file."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router
from pydantic import Field

from guanxi.customers.api.common import CUSTOM_FILTERS, RecordFilters, owner_id_for
from guanxi.customers.custom_fields import custom_filter_params
from guanxi.platform.api_support import answers
from guanxi.platform.exports.http import download_response
from guanxi.platform.exports.services import export_start

DESCRIPTION = (
    "The whole list the same filters give on the list endpoint (every page, only records the "
    "caller may see), streamed as a file: `csv` (UTF-8 with a byte-order mark, CRLF, cells "
    "that a spreadsheet would run as formulas prefixed with `'`), `xlsx` or `vcf` (vCard 3.0). "
    "The 200 answer is the file itself (`text/csv`, "
    "`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` or `text/vcard`), "
    "named in `Content-Disposition`. Needs the role permission to export customer lists "
    "(403 otherwise). " + CUSTOM_FILTERS
)

router = Router()


class ExportArgs(RecordFilters):
    format: Literal["csv", "xlsx", "vcf"] = Field("csv", description="csv, xlsx or vcf")


def _download(request: HttpRequest, kind: str, args: ExportArgs) -> StreamingHttpResponse:
    filters: dict[str, Any] = {
        "q": args.q,
        "owner_id": owner_id_for(request, args.owner),
        "tag": args.tag,
        "province": args.province,
        "updated_since": args.updated_since,
        "scope": args.scope,
        "custom": custom_filter_params(request.GET),
        "sort": "-id",  # newest first, as the list endpoint pages
    }
    stream = export_start(actor=request.user, kind=kind, format=args.format, filters=filters)
    return download_response(stream)


@router.get(
    "/contacts/export",
    response=answers({200: None}, 403),
    summary="Export contacts as CSV, XLSX or vCard",
    description=DESCRIPTION,
    tags=["contacts"],
)
def export_contacts(request: HttpRequest, args: Query[ExportArgs]) -> StreamingHttpResponse:
    return _download(request, "contacts", args)


@router.get(
    "/accounts/export",
    response=answers({200: None}, 403),
    summary="Export accounts as CSV, XLSX or vCard",
    description=DESCRIPTION,
    tags=["accounts"],
)
def export_accounts(request: HttpRequest, args: Query[ExportArgs]) -> StreamingHttpResponse:
    return _download(request, "accounts", args)
