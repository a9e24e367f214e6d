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
from guanxi.customers.views.records import (
    delete_record,
    filtered_records,
    list_filters,
    render_list,
    require_form_access,
    restore_record,
)


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
def account_suggest_view(request: HttpRequest) -> HttpResponse:
    """Up to ten visible accounts matching what was typed, as ``<datalist>`` options."""
    typed = request.GET.get("account_name", "")[:100]
    ids = selectors.account_search_ids(request.user, typed, limit=10)
    accounts = selectors.accounts_visible_to(request.user).filter(pk__in=ids).order_by("sort_key")
    return render(request, "customers/account_options.html", {"accounts": accounts})


@login_required
def account_list_view(request: HttpRequest) -> HttpResponse:
    filters = list_filters(request)
    accounts = filtered_records(request, selectors.account_list, **filters)
    return render_list(request, accounts, "customers/account_list.html", deleted=filters["deleted"])


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
                "postcode",
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
    require_form_access(request, account)
    form = AccountForm(
        request.POST or None,
        initial=_initial(account) if account else None,
        user=request.user,
        record=account,
    )
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
    record = _get_account(request, public_id)
    return delete_record(request, record, kind="account", delete=account_delete)


@login_required
@require_POST
def account_restore_view(request: HttpRequest, public_id: str) -> HttpResponse:
    record = _get_account(request, public_id, deleted=True)
    return restore_record(request, record, kind="account", restore=account_restore)
