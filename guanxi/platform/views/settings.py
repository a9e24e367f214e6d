"""Personal settings: API tokens. And the audit trail for administrators and managers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.errors import GuanxiError
from guanxi.core.pagination import paginate_by_id
from guanxi.platform.changes import describe_events
from guanxi.platform.forms import ApiTokenForm
from guanxi.platform.models import ApiToken
from guanxi.platform.roles import Permission
from guanxi.platform.selectors import audit_events_visible_to
from guanxi.platform.services.tokens import api_token_create, api_token_revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens_view(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = api_token_create(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        except GuanxiError as exc:
            form.add_error(None, exc.message)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user_id=request.user.pk or 0).order_by("-created_at")
    return render(
        request,
        "platform/api_tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
    )


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, public_id: str) -> HttpResponse:
    token = ApiToken.objects.filter(public_id=public_id, user_id=request.user.pk or 0).first()
    if token is None:
        raise Http404
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("api-tokens")


@login_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role_permission(Permission.VIEW_AUDIT):  # type: ignore[union-attr]
        raise PermissionDenied
    events = audit_events_visible_to(request.user, verb_prefix=request.GET.get("verb", ""))
    try:
        page = paginate_by_id(events, cursor=request.GET.get("cursor"), limit=50)
    except GuanxiError:
        page = paginate_by_id(events, cursor=None, limit=50)
    return render(
        request,
        "platform/audit_log.html",
        {
            "page": page,
            "events": describe_events(page.items, viewer=request.user),
            "verb": request.GET.get("verb", ""),
        },
    )
