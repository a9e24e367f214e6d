from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.platform.forms import LoginForm
from guanxi.platform.middleware import LANGUAGE_SESSION_KEY
from guanxi.platform.services.login import (
    login_failure_record,
    login_failures_clear,
    login_is_blocked,
)
from guanxi.platform.services.users import user_set_language


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = _client_address(request)
        if login_is_blocked(username=username, address=address):
            form.add_error(None, _("Too many failed sign-ins. Wait 15 minutes and try again."))
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                login_failure_record(username=username, address=address)
                form.add_error(None, _("The user name or password is not correct."))
                status = 401
            else:
                login_failures_clear(username=username)
                login(request, user)
                if user.language:
                    request.session[LANGUAGE_SESSION_KEY] = user.language
                safe = url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                )
                return redirect(next_url if next_url and safe else settings.LOGIN_REDIRECT_URL)
    return render(request, "platform/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    language = request.session.get(LANGUAGE_SESSION_KEY)
    logout(request)
    if language:
        request.session[LANGUAGE_SESSION_KEY] = language
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        messages.error(request, _("Unknown language."))
        return redirect("dashboard")
    request.session[LANGUAGE_SESSION_KEY] = language
    if request.user.is_authenticated:
        user_set_language(actor=request.user, language=language)  # type: ignore[arg-type]
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url or "/")
