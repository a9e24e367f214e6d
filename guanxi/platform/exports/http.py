"""An export as a download: streamed, never cached, named in the user's language."""

from __future__ import annotations

from urllib.parse import quote

from django.http import StreamingHttpResponse

from guanxi.platform.exports.services import ExportStream


def content_disposition(stream: ExportStream) -> str:
    """An ASCII name for old clients and the real one (联系人-2026-12-01.csv) per RFC 5987/6266."""
    return (
        f'attachment; filename="{stream.ascii_file_name}"; '
        f"filename*=UTF-8''{quote(stream.file_name, safe='')}"
    )


def download_response(stream: ExportStream) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream.chunks, content_type=stream.content_type)
    response["Content-Disposition"] = content_disposition(stream)
    # Customer data: no copy in a browser or proxy cache; and a proxy (nginx) should pass the
    # chunks on as they come instead of buffering the whole file.
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response
