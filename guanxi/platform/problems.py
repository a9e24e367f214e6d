"""RFC 9457 problem details for every API error, with one message list per bad field."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    title: str,
    detail: str = "",
    errors: dict[str, list[str]] | None = None,
    **extra: Any,
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="guanxi"'
    return response


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    # Ninja reports ("body", "payload", "phones", 0, "number"); people want "phones.0.number".
    parts = [str(p) for p in location]
    while parts and parts[0] in {"body", "query", "path", "header", "payload", "filters"}:
        parts.pop(0)
    return ".".join(parts) or "body"


def validation_field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        message = str(error.get("msg", "Invalid value"))
        message = message.removeprefix("Value error, ")
        by_field.setdefault(_field_name(error.get("loc", ())), []).append(message)
    return by_field
