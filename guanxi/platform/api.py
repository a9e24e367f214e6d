"""The REST API root under ``/api/v1``.

Platform owns the API object, authentication and error format; each domain adds its router in its
``AppConfig.ready()`` (see :func:`register_router`), so the platform imports no domain.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from guanxi.core.errors import (
    GuanxiError,
    PreconditionFailedError,
    RateLimitedError,
    StaleVersionError,
)
from guanxi.platform.problems import (
    PROBLEM_CONTENT_TYPE,
    problem_response,
    validation_field_errors,
)
from guanxi.platform.roles import Permission
from guanxi.platform.services.tokens import api_token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_authenticate(token)
        if user is None or not user.has_role_permission(Permission.USE_API):
            return None
        request.user = user
        return user


class GuanxiAPI(NinjaAPI):
    """Ninja documents every response as ``application/json``; errors are sent as problem details
    (``application/problem+json``), so the schema names that type for every error status."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


api = GuanxiAPI(
    title="Guanxi API",
    version="1",
    description=(
        "Customers, accounts and activities. Authenticate with `Authorization: Bearer <token>`."
    ),
    auth=BearerTokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def register_router(prefix: str, router: Router) -> None:
    api.add_router(prefix, router)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> Any:
    return problem_response(
        request,
        status=422,
        title="Validation failed",
        detail=_("Some fields are not valid."),
        errors=validation_field_errors(list(exc.errors)),
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> Any:
    return problem_response(
        request,
        status=401,
        title="Unauthorized",
        detail=_("Send a valid API token: Authorization: Bearer <token>."),
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> Any:
    return problem_response(request, status=exc.status_code, title=str(exc.message))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> Any:
    return problem_response(request, status=404, title="Not found", detail=_("No such record."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> Any:
    return problem_response(
        request, status=413, title="Payload too large", detail=_("The request body is too large.")
    )


@api.exception_handler(GuanxiError)
def _service_error(request: HttpRequest, exc: GuanxiError) -> Any:
    extra: dict[str, Any] = {}
    if isinstance(exc, StaleVersionError | PreconditionFailedError):
        extra["current_version"] = exc.current_version
    response = problem_response(
        request,
        status=exc.status,
        title=exc.title,
        detail=exc.message,
        errors=exc.field_errors or None,
        **extra,
    )
    if isinstance(exc, RateLimitedError):
        response["Retry-After"] = str(exc.retry_after)
    return response
