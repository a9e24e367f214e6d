"""The record a page is opened for, named in its query string (``?contact=<id>``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.http import Http404, HttpRequest


def record_from_query(
    request: HttpRequest, readers: Mapping[str, Callable[..., Any]]
) -> dict[str, Any]:
    """``{name: record}`` for the first parameter of ``readers`` given, looked up among what the
    user may see (``readers[name](user)``); 404 for a bad id, a hidden record or none given."""
    for name, visible in readers.items():
        given = request.GET.get(name, "")
        if given:
            try:
                record = visible(request.user).filter(public_id=uuid.UUID(given)).first()
            except ValueError:
                record = None
            if record is None:
                raise Http404
            return {name: record}
    raise Http404
