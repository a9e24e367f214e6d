"""The organisation's sharing setting, for administrators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from guanxi.core.errors import GuanxiError
from guanxi.platform.models import Organization
from guanxi.platform.services.sharing import organization_set_sharing
from guanxi.platform.visibility import OrganizationSharing


class SharingForm(forms.Form):
    customer_sharing = forms.ChoiceField(
        label=gettext_lazy("Customers marked “whole organisation” are"),
        choices=OrganizationSharing.choices,
        widget=forms.RadioSelect,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_settings_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_administrator:
        raise PermissionDenied
    org = Organization.objects.get(pk=user.org_id)
    form = SharingForm(request.POST or None, initial={"customer_sharing": org.customer_sharing})
    if request.method == "POST" and form.is_valid():
        try:
            organization_set_sharing(
                actor=user, org=org, sharing=form.cleaned_data["customer_sharing"]
            )
        except GuanxiError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("sharing-settings")
    return render(request, "platform/sharing_settings.html", {"form": form})
