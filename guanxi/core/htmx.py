"""Small helpers for htmx requests (htmx 4 still sends ``HX-Request: true``)."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
