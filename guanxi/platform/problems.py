"""RFC 9457 problem details for every API error, with one message list per bad field."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy

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


def _is_union_tag(part: str) -> bool:
    # Pydantic names the member of a union it tried ("constrained-str", "str-enum[PhoneKind]",
    # "function-wrap[...]", "literal['']"); no field name has a dash or a bracket.
    return "-" in part or "[" in part


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    # Ninja reports ("body", "payload", "phones", 0, "number"); people want "phones.0.number".
    parts = [str(p) for p in location if not _is_union_tag(str(p))]
    while parts and parts[0] in {"body", "query", "path", "header", "payload", "filters"}:
        parts.pop(0)
    return ".".join(parts) or "body"


# Pydantic writes its messages in English only; API clients get them in the language they ask
# for (Accept-Language), so the common kinds are said again here, translatable.
_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "too_long": gettext_lazy("At most %(max_length)s items."),
    "string_type": gettext_lazy("Enter text."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "greater_than_equal": gettext_lazy("Enter a number of at least %(ge)s."),
    "less_than_equal": gettext_lazy("Enter a number of at most %(le)s."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "uuid_parsing": gettext_lazy("Enter a valid id."),
    "uuid_type": gettext_lazy("Enter a valid id."),
    "date_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "datetime_parsing": gettext_lazy("Enter a valid date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a valid date and time (ISO 8601)."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "string_pattern_mismatch": gettext_lazy("This value is not in the expected form."),
    "list_type": gettext_lazy("Send a list."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "model_type": gettext_lazy("Send a JSON object."),
}


def _message(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(str(error.get("type", "")))
    if template is not None:
        try:
            return str(template) % dict(error.get("ctx") or {})
        except (KeyError, TypeError, ValueError):
            pass
    return str(error.get("msg", "Invalid value")).removeprefix("Value error, ")


def validation_field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        # A choice that may also be left empty is a union with ""; saying "choose ''" as well
        # as the real choices would only confuse.
        if "literal['']" in map(str, error.get("loc", ())):
            continue
        messages = by_field.setdefault(_field_name(error.get("loc", ())), [])
        if _message(error) not in messages:
            messages.append(_message(error))
    return by_field
