"""Errors that services raise and that the UI and API turn into messages or problem details.

Each carries a message a person can read; validation errors also carry one message per field.
"""

from __future__ import annotations

from collections.abc import Mapping


class GuanxiError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, message: str = "", *, field_errors: Mapping[str, list[str]] | None = None):
        super().__init__(message or self.title)
        self.message = str(message or self.title)
        self.field_errors: dict[str, list[str]] = {
            key: [str(m) for m in value] for key, value in (field_errors or {}).items()
        }


class ServiceValidationError(GuanxiError):
    status = 422
    title = "Validation failed"

    @classmethod
    def for_field(cls, field: str, message: str) -> ServiceValidationError:
        """One message, shown beside one field."""
        return cls(message, field_errors={field: [message]})


class PermissionDeniedError(GuanxiError):
    status = 403
    title = "Permission denied"


class NotFoundError(GuanxiError):
    status = 404
    title = "Not found"


class StaleVersionError(GuanxiError):
    """The record changed since the caller read it; nothing was written."""

    status = 409
    title = "Conflict"

    def __init__(self, message: str = "", *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class PreconditionRequiredError(GuanxiError):
    status = 428
    title = "Precondition required"


class PreconditionFailedError(GuanxiError):
    """``If-Match`` named a version that is no longer current; nothing was written."""

    status = 412
    title = "Precondition failed"

    def __init__(self, message: str = "", *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class ConflictError(GuanxiError):
    """The request collides with what is stored (a taken number or name, a duplicate action)."""

    status = 409
    title = "Conflict"


class RateLimitedError(GuanxiError):
    """Too many requests from one place; ``retry_after``: seconds until one more is accepted."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str = "", *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
