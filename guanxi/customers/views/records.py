"""What the account and contact pages share: list filters, sorting and paging, delete, restore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guanxi.core.errors import GuanxiError
from guanxi.core.htmx import is_htmx
from guanxi.customers.custom_fields import custom_filter_params
from guanxi.customers.custom_fields_form import filter_controls
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.regions import province_name
from guanxi.customers.selectors import SCOPES
from guanxi.platform.selectors import active_users
from guanxi.platform.visibility import can_edit, can_manage

PAGE_SIZE = 25
# Names sort by the stored pinyin key (``names.sort_key``): 阿里, 李娜, 王芳, 张伟, Zoe.
SORT_FIELDS = {
    "name": "sort_key",
    "-name": "-sort_key",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def list_filters(request: HttpRequest) -> dict[str, Any]:
    """The filters of a list page, bounded, in the shape the list selectors take."""
    owner = request.GET.get("owner", "")
    return {
        "q": request.GET.get("q", "")[:100],
        "owner_id": int(owner) if owner.isdigit() else None,
        "tag": request.GET.get("tag", "")[:40],
        "province": province_name(request.GET.get("province", "")[:40]),
        "deleted": request.GET.get("deleted") == "1",
        "scope": scope if (scope := request.GET.get("scope", "")) in SCOPES else "",
        "custom": {key: value[:100] for key, value in custom_filter_params(request.GET).items()},
    }


def filtered_records(request: HttpRequest, select: Callable[..., Any], **filters: Any) -> Any:
    """``select(user, **filters)``; a custom-field filter it refuses (an unknown key, a value the
    field cannot hold) shows its message over an empty list rather than ignoring the filter."""
    try:
        return select(request.user, **filters)
    except GuanxiError as exc:
        messages.error(request, exc.message)
        return select(request.user, **{**filters, "custom": {}}).none()


def render_list(
    request: HttpRequest,
    records: QuerySet[Any],
    template: str,
    *,
    deleted: bool,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The whole page, or only the results fragment for an htmx request."""
    sort = request.GET.get("sort", "-updated")
    if sort not in SORT_FIELDS:
        sort = "-updated"
    page = Paginator(records.order_by(SORT_FIELDS[sort], "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "sort": sort,
        "filters": request.GET,
        "query_string": query.urlencode(),
        "deleted": deleted,
        "undo": request.session.pop("undo", None),
        "owners": active_users(getattr(request.user, "org_id", None)),
        # Only the buttons the user can use: adding, and restoring what they manage.
        "can_add": request.user.has_role_permission(CustomerPermission.ADD_CUSTOMERS),  # type: ignore[union-attr]
        "can_export": request.user.has_role_permission(CustomerPermission.EXPORT_CUSTOMERS),  # type: ignore[union-attr]
        "custom_filters": filter_controls(
            getattr(request.user, "org_id", 0), records.model._meta.model_name or "", request.GET
        ),
        "restorable": (
            {record.pk for record in page.object_list if can_manage(request.user, record)}
            if deleted
            else set()
        ),
        **(extra or {}),
    }
    return render(request, template + "#results" if is_htmx(request) else template, context)


def require_form_access(request: HttpRequest, record: Any) -> None:
    """Refuse the form before it is filled in, not after: creating needs the permission to
    add customers, editing needs write access to this record."""
    user: Any = request.user
    if record is None:
        allowed = user.has_role_permission(CustomerPermission.ADD_CUSTOMERS)
    else:
        allowed = can_edit(user, record) and user.has_role_permission(
            CustomerPermission.CHANGE_CUSTOMERS
        )
    if not allowed:
        raise PermissionDenied


def require_can_delete(request: HttpRequest, record: Any) -> None:
    user: Any = request.user
    may_delete = user.has_role_permission(CustomerPermission.DELETE_CUSTOMERS)
    if not (may_delete and can_manage(user, record)):
        raise PermissionDenied


def delete_record(
    request: HttpRequest, record: Any, *, kind: str, delete: Callable[..., None]
) -> HttpResponse:
    """GET asks for confirmation; POST deletes and offers an undo on the list page."""
    require_can_delete(request, record)
    if request.method != "POST":
        return render(request, "customers/confirm_delete.html", {"record": record, "kind": kind})
    try:
        delete(actor=request.user, **{kind: record})
    except GuanxiError as exc:
        messages.error(request, exc.message)
        return redirect(f"{kind}-detail", public_id=record.public_id)
    messages.success(
        request,
        _("Deleted “%(name)s”. You can restore it for 30 days.") % {"name": record.name},
    )
    request.session["undo"] = {"kind": kind, "id": str(record.public_id)}
    return redirect(f"{kind}-list")


def restore_record(
    request: HttpRequest, record: Any, *, kind: str, restore: Callable[..., None]
) -> HttpResponse:
    try:
        restore(actor=request.user, **{kind: record})
    except GuanxiError as exc:
        messages.error(request, exc.message)
        return redirect(f"{kind}-list")
    messages.success(request, _("Restored “%(name)s”.") % {"name": record.name})
    return redirect(f"{kind}-detail", public_id=record.public_id)
