"""Per-user language and time zone, on top of the browser's preferences."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

LANGUAGE_SESSION_KEY = "guanxi_language"


class UserLanguageMiddleware:
    """Language: the signed-in user's choice, else the session's, else the browser's.

    Runs after authentication so that a choice made on one device follows the user to others.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def _language(self, request: HttpRequest) -> str:
        for choice in (
            getattr(request.user, "language", ""),
            request.session.get(LANGUAGE_SESSION_KEY),
        ):
            if choice in self.supported:
                return str(choice)
        return translation.get_language_from_request(request)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        translation.activate(self._language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ["Accept-Language"])
        translation.deactivate()
        return response


class ActivateUserTimezoneMiddleware:
    """The user's time zone when set, otherwise the organisation default (Asia/Shanghai)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone_name = getattr(request.user, "time_zone", "")
        try:
            if zone_name:
                timezone.activate(zoneinfo.ZoneInfo(zone_name))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
