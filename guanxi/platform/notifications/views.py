"""The notification centre, the preferences page and the group bot settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.errors import GuanxiError
from guanxi.core.htmx import is_htmx
from guanxi.core.pagination import paginate_by_id
from guanxi.platform.notifications.forms import GroupBotForm
from guanxi.platform.notifications.kinds import Channel, registered_kinds
from guanxi.platform.notifications.models import GroupBot
from guanxi.platform.notifications.selectors import (
    group_bots_of_org,
    notifications_for,
    preference_grid,
)
from guanxi.platform.notifications.services.group_bots import (
    can_manage_group_bots,
    group_bot_create,
    group_bot_delete,
)
from guanxi.platform.notifications.services.inbox import (
    notification_mark_read,
    notification_preferences_save,
    notifications_mark_all_read,
)

PAGE_SIZE = 30


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    try:
        page = paginate_by_id(
            notifications_for(request.user.pk or 0),
            cursor=request.GET.get("cursor"),
            limit=PAGE_SIZE,
        )
    except GuanxiError:
        page = paginate_by_id(notifications_for(request.user.pk or 0), cursor=None, limit=PAGE_SIZE)
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read_view(request: HttpRequest, public_id: str) -> HttpResponse:
    notification = notifications_for(request.user.pk or 0).filter(public_id=public_id).first()
    if notification is None:
        raise Http404
    notification_mark_read(actor=request.user, notification=notification)
    if is_htmx(request):
        return render(
            request, "notifications/list.html#notification", {"notification": notification}
        )
    return redirect("notification-list")


@login_required
@require_POST
def notification_read_all_view(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    messages.success(request, _("All notifications are marked read."))
    return redirect("notification-list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        choices = {
            (kind.key, channel): f"{kind.key}:{channel}" in request.POST
            for kind in registered_kinds()
            for channel in Channel.values
            if kind.offers(channel)
        }
        notification_preferences_save(actor=request.user, choices=choices)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notification-preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"rows": preference_grid(request.user.pk or 0), "channels": Channel.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_bots_view(request: HttpRequest) -> HttpResponse:
    if not can_manage_group_bots(request.user):
        raise PermissionDenied
    org_id = int(getattr(request.user, "org_id", 0) or 0)
    form = GroupBotForm(request.POST or None, org_id=org_id)
    if request.method == "POST" and form.is_valid():
        try:
            group_bot_create(actor=request.user, **form.cleaned_data)
        except GuanxiError as exc:
            if not exc.field_errors:
                form.add_error(None, exc.message)
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The group bot was added."))
            return redirect("group-bots")
    return render(
        request, "notifications/group_bots.html", {"form": form, "bots": group_bots_of_org(org_id)}
    )


@login_required
@require_POST
def group_bot_delete_view(request: HttpRequest, public_id: str) -> HttpResponse:
    if not can_manage_group_bots(request.user):
        raise PermissionDenied
    bot = GroupBot.objects.filter(public_id=public_id, org_id=request.user.org_id).first()  # type: ignore[union-attr]
    if bot is None:
        raise Http404
    group_bot_delete(actor=request.user, bot=bot)
    messages.success(request, _("The group bot was removed."))
    return redirect("group-bots")
