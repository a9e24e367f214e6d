"""The page behind an invitation link: the invitee chooses a password, once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.platform.services.invitations import invitation_accept, invitation_valid


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_valid(token)
    if invitation is None:
        return render(request, "platform/invitation.html", {"invalid": True}, status=404)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(raw=token, password=form.cleaned_data["new_password1"])
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your password is set. Sign in with your user name."))
            return redirect("login")
    return render(request, "platform/invitation.html", {"form": form, "invitee": invitation.user})
