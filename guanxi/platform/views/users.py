"""Users and teams for administrators, so that a shop owner adds staff without a shell."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.platform.forms import TeamForm, UserCreateForm, UserFieldsForm
from guanxi.platform.handover import pending_handover_total
from guanxi.platform.models import Team, User
from guanxi.platform.roles import Permission
from guanxi.platform.selectors import colleagues, teams_of
from guanxi.platform.services.invitations import invitation_path, invitation_send, user_invite
from guanxi.platform.services.users import (
    team_create,
    team_update,
    user_create,
    user_set_active,
    user_update,
)

PAGE_SIZE = 100


def administrators_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_role_permission(Permission.MANAGE_USERS):  # type: ignore[union-attr]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _colleague(request: HttpRequest, public_id: str) -> User:
    user = colleagues(request.user).filter(public_id=public_id).first()
    if user is None:
        raise Http404
    return user


@administrators_only
def user_list_view(request: HttpRequest) -> HttpResponse:
    users = colleagues(request.user).order_by(
        Case(When(is_active=True, then=0), default=1, output_field=IntegerField()), "username"
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    for user in page:
        user.pending_handover = 0 if user.is_active else pending_handover_total(user)  # type: ignore[attr-defined]
    return render(request, "platform/users.html", {"page": page})


@administrators_only
@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, org_id=request.user.org_id)  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        username = form.cleaned_data["username"]
        try:
            if form.cleaned_data["how"] == UserCreateForm.INVITE:
                user, raw = user_invite(actor=request.user, username=username, **fields)
            else:
                password = form.cleaned_data["password"]
                user = user_create(
                    actor=request.user, username=username, password=password, **fields
                )
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            if form.cleaned_data["how"] != UserCreateForm.INVITE:
                messages.success(request, _("%(name)s can sign in now.") % {"name": username})
                return redirect("user-list")
            link = request.build_absolute_uri(invitation_path(raw))
            sent = invitation_send(user=user, link=link)
            return render(
                request,
                "platform/users_invited.html",
                {"invitee": user, "link": link, "sent": sent},
            )
    return render(request, "platform/users_form.html", {"form": form})


@administrators_only
@require_http_methods(["GET", "POST"])
def user_edit_view(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _colleague(request, public_id)
    initial = {
        "name": user.display_name if user.display_name != user.username else "",
        "email": user.email,
        "role": user.role,
        "team": user.team,
        "language": user.language,
    }
    form = UserFieldsForm(request.POST or None, initial=initial, org_id=user.org_id)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(actor=request.user, user=user, **form.service_fields())
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("user-list")
    return render(request, "platform/users_form.html", {"form": form, "edited": user})


@administrators_only
@require_http_methods(["GET", "POST"])
def user_deactivate_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET asks for confirmation; POST deactivates."""
    user = _colleague(request, public_id)
    if request.method == "POST":
        try:
            user_set_active(actor=request.user, user=user, active=False)
        except GuanxiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s can no longer sign in or use the API.") % {"name": user.display_name},
            )
        return redirect("user-list")
    return render(
        request,
        "platform/users_confirm_deactivate.html",
        {"deactivated": user, "pending": pending_handover_total(user)},
    )


@administrators_only
@require_POST
def user_reactivate_view(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _colleague(request, public_id)
    user_set_active(actor=request.user, user=user, active=True)
    messages.success(request, _("%(name)s can sign in again.") % {"name": user.display_name})
    return redirect("user-list")


@administrators_only
@require_http_methods(["GET", "POST"])
def team_list_view(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, org_id=request.user.org_id)  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                team = team_create(
                    actor=request.user,
                    org=request.user.org,  # type: ignore[union-attr,arg-type]
                    name=form.cleaned_data["name"],
                    managers=list(form.cleaned_data["managers"]),
                )
                members = list(form.cleaned_data["members"])
                team_update(actor=request.user, team=team, members=members)
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Team “%(name)s” created.") % {"name": team.name})
            return redirect("team-list")
    return render(request, "platform/teams.html", {"teams": teams_of(request.user), "form": form})


@administrators_only
@require_http_methods(["GET", "POST"])
def team_edit_view(request: HttpRequest, public_id: str) -> HttpResponse:
    team: Team | None = teams_of(request.user).filter(public_id=public_id).first()
    if team is None:
        raise Http404
    initial = {"name": team.name, "managers": team.managers.all(), "members": team.members.all()}
    form = TeamForm(request.POST or None, initial=initial, org_id=team.org_id)
    if request.method == "POST" and form.is_valid():
        try:
            team_update(
                actor=request.user,
                team=team,
                name=form.cleaned_data["name"],
                managers=list(form.cleaned_data["managers"]),
                members=list(form.cleaned_data["members"]),
            )
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("team-list")
    return render(request, "platform/teams_form.html", {"form": form, "team": team})
