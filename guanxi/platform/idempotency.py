"""``Idempotency-Key`` on POSTs that create records: a retried request gets the first answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse

from guanxi.platform.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def idempotent_create(
    request: HttpRequest, create: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any]]:
    """Run ``create`` once per (user, key, path); replay its stored answer afterwards."""
    key = request.headers.get("Idempotency-Key", "").strip()[:MAX_KEY_LENGTH]
    if not key:
        return create()
    user: Any = request.user
    found = IdempotencyRecord.objects.filter(user=user, key=key, path=request.path).first()
    if found is not None:
        return found.status_code, found.body
    try:
        with transaction.atomic():
            status, body = create()
            IdempotencyRecord.objects.create(
                user=user, key=key, path=request.path, status_code=status, body=body
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race; its answer is the answer. Any other
        # integrity error is not ours to hide.
        found = IdempotencyRecord.objects.filter(user=user, key=key, path=request.path).first()
        if found is None:
            raise
        return found.status_code, found.body
    return status, body


def json_response(status: int, body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
