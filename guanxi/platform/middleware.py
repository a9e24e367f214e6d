"""Per-user language and time zone, on top of the browser's preferences."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

LANGUAGE_SESSION_KEY = "guanxi_language"


class UserLanguageMiddleware:
    """Language: the signed-in user's choice, else the session's, else the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(LANGUAGE_SESSION_KEY)
        if language not in self.supported:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary = response.headers.get("Vary", "")
        if "Accept-Language" not in patch_vary:
            response.headers["Vary"] = ", ".join(filter(None, [patch_vary, "Accept-Language"]))
        translation.deactivate()
        return response


class ActivateUserTimezoneMiddleware:
    """The user's time zone when set, otherwise the organisation default (Asia/Shanghai)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone_name = getattr(user, "time_zone", "") if user is not None else ""
        if zone_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        language = getattr(user, "language", "") if user is not None else ""
        if language and language in {code for code, _name in settings.LANGUAGES}:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
