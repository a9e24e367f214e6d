from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.customers import selectors
from guanxi.customers.forms import AccountForm
from guanxi.customers.models import Account
from guanxi.customers.services.accounts import (
    account_create,
    account_delete,
    account_restore,
    account_update,
)
from guanxi.customers.views.listing import list_context


def _get_account(request: HttpRequest, public_id: str, *, deleted: bool = False) -> Account:
    account = (
        selectors.accounts_visible_to(request.user, deleted=deleted)
        .select_related("owner")
        .prefetch_related("tags")
        .filter(public_id=public_id)
        .first()
    )
    if account is None:
        raise Http404
    return account


@login_required
def account_list_view(request: HttpRequest) -> HttpResponse:
    deleted = request.GET.get("deleted") == "1"
    accounts = selectors.account_list(
        request.user,
        q=request.GET.get("q", "")[:100],
        owner_id=int(request.GET["owner"]) if request.GET.get("owner", "").isdigit() else None,
        tag=request.GET.get("tag", "")[:40],
        province=request.GET.get("province", "")[:40],
        deleted=deleted,
    )
    context = list_context(request, accounts, sorts={"name", "-name", "updated", "-updated"})
    context["deleted"] = deleted
    template = "customers/account_list.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(request, template, context)


def _initial(account: Account) -> dict[str, Any]:
    return {
        **{
            name: getattr(account, name)
            for name in (
                "name",
                "industry",
                "size",
                "website",
                "province",
                "city",
                "district",
                "street",
                "visibility",
                "description",
            )
        },
        "tags": ", ".join(t.name for t in account.tags.all()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def account_form_view(request: HttpRequest, public_id: str | None = None) -> HttpResponse:
    account = _get_account(request, public_id) if public_id else None
    form = AccountForm(request.POST or None, initial=_initial(account) if account else None)
    duplicates: list[Account] = []
    if request.method == "POST" and form.is_valid():
        duplicates = selectors.account_duplicates(
            request.user, name=form.cleaned_data["name"], exclude_id=account.pk if account else None
        )
        if not duplicates or form.cleaned_data["confirm_duplicate"]:
            duplicates = []
            try:
                if account is None:
                    saved = account_create(actor=request.user, **form.service_fields())
                else:
                    saved = account_update(
                        actor=request.user,
                        account=account,
                        version=int(request.POST.get("version", "0") or 0),
                        **form.service_fields(),
                    )
            except GuanxiError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("account-detail", public_id=saved.public_id)
    return render(
        request,
        "customers/account_form.html",
        {"form": form, "account": account, "duplicates": duplicates},
        status=422 if form.errors or duplicates else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: HttpRequest, public_id: str) -> HttpResponse:
    account = _get_account(request, public_id)
    if request.method == "POST":
        try:
            account_delete(actor=request.user, account=account)
        except GuanxiError as exc:
            messages.error(request, exc.message)
            return redirect("account-detail", public_id=account.public_id)
        messages.success(
            request,
            _("Deleted “%(name)s”. You can restore it for 30 days.") % {"name": account.name},
        )
        request.session["undo"] = {"kind": "account", "id": str(account.public_id)}
        return redirect("account-list")
    return render(request, "customers/confirm_delete.html", {"record": account, "kind": "account"})


@login_required
@require_POST
def account_restore_view(request: HttpRequest, public_id: str) -> HttpResponse:
    account = _get_account(request, public_id, deleted=True)
    try:
        account_restore(actor=request.user, account=account)
    except GuanxiError as exc:
        messages.error(request, exc.message)
        return redirect("account-list")
    messages.success(request, _("Restored “%(name)s”.") % {"name": account.name})
    return redirect("account-detail", public_id=account.public_id)
