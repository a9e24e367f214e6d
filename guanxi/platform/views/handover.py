"""The handover page: choose whose records, see what they own, choose new owners, confirm."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.platform.forms import HandoverForm
from guanxi.platform.handover import (
    can_hand_over,
    handover_kinds,
    handover_preview,
    handover_run,
)
from guanxi.platform.selectors import active_users, colleagues
from guanxi.platform.visibility import managed_team_ids


def _handover_candidates(actor: Any) -> Any:
    users = colleagues(actor).order_by("-is_active", "username")
    if actor.is_administrator:
        return users
    return users.filter(team_id__in=managed_team_ids(actor))


def _counted(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(_(kind.label), counts.get(kind.key, 0)) for kind in handover_kinds()]


@login_required
def handover_start_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_administrator and not managed_team_ids(request.user):  # type: ignore[union-attr]
        raise PermissionDenied
    candidates = _handover_candidates(request.user)
    try:
        chosen = uuid.UUID(request.GET.get("from_user", ""))
    except ValueError:
        chosen = None
    if chosen is not None:
        return redirect("handover", public_id=chosen)
    return render(request, "platform/handover_start.html", {"candidates": candidates})


@login_required
@require_http_methods(["GET", "POST"])
def handover_view(request: HttpRequest, public_id: str) -> HttpResponse:
    from_user = colleagues(request.user).filter(public_id=public_id).first()
    if from_user is None:
        raise Http404
    if not can_hand_over(request.user, from_user):
        raise PermissionDenied
    targets = active_users(from_user.org_id).exclude(pk=from_user.pk)
    form = HandoverForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            result = handover_run(
                actor=request.user,
                from_user=from_user,
                to_users=list(form.cleaned_data["to_users"]),
                keep_access=form.cleaned_data["keep_access"],
            )
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            # Only what moved: the kinds of modules the person never used would read as noise.
            moved = ", ".join(
                f"{label} {number}" for label, number in _counted(result.counts) if number
            ) or _("nothing")
            messages.success(
                request,
                _("Handed over from %(name)s: %(moved)s.")
                % {"name": from_user.display_name, "moved": moved},
            )
            return redirect("handover-start")
    counts = handover_preview(actor=request.user, from_user=from_user)
    return render(
        request,
        "platform/handover.html",
        {
            "from_user": from_user,
            "counts": _counted(counts),
            "total": sum(counts.values()),
            "form": form,
        },
    )
