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
from guanxi.customers.choices import GridCell, RfmSegment, ValueQuadrant
from guanxi.customers.forms import ContactForm
from guanxi.customers.models import Contact
from guanxi.customers.phones import normalize_phone
from guanxi.customers.services.contacts import (
    contact_create,
    contact_delete,
    contact_restore,
    contact_update,
    without_hidden_account_unlink,
)
from guanxi.customers.views.records import (
    delete_record,
    filtered_records,
    list_filters,
    render_list,
    require_form_access,
    restore_record,
)


def _get_contact(request: HttpRequest, public_id: str, *, deleted: bool = False) -> Contact:
    contact = (
        selectors.with_contact_details(
            selectors.contacts_visible_to(request.user, deleted=deleted), request.user
        )
        .filter(public_id=public_id)
        .first()
    )
    if contact is None:
        raise Http404
    return contact


def contact_list_filters(request: HttpRequest) -> dict[str, Any]:
    """The list's filters, also what its export reads (the same list, as a file)."""
    filters = list_filters(request)
    for name, choices in (
        ("segment", RfmSegment),
        ("value_group", ValueQuadrant),
        ("grid_cell", GridCell),
    ):
        value = request.GET.get(name, "")
        filters[name] = value if value in choices.values else ""
    return filters


@login_required
def contact_list_view(request: HttpRequest) -> HttpResponse:
    filters = contact_list_filters(request)
    contacts = filtered_records(request, selectors.contact_list, **filters)
    return render_list(
        request,
        contacts,
        "customers/contact_list.html",
        deleted=filters["deleted"],
        extra={
            "segments": RfmSegment.choices,
            "value_groups": ValueQuadrant.choices,
            "grid_cells": GridCell.choices,
        },
    )


def _typed_phones(fields: dict[str, Any]) -> list[str]:
    phones = []
    for row in fields["phones"]:
        try:
            phones.append(normalize_phone(row["number"]))
        except GuanxiError:
            continue
    return phones


def _duplicates(request: HttpRequest, form: ContactForm, exclude_id: int | None) -> list[Contact]:
    fields = form.service_fields()
    phones = _typed_phones(fields)
    account = form.cleaned_data.get("account_obj")
    return selectors.contact_duplicates(
        request.user,
        phones=phones,
        emails=fields["emails"],
        name=form.cleaned_data["name"],
        account_id=account.pk if account else None,
        exclude_id=exclude_id,
    )


def _waiting_in_pool(request: HttpRequest, form: ContactForm) -> bool:
    fields = form.service_fields()
    return selectors.waiting_in_pool(
        request.user, phones=_typed_phones(fields), emails=fields["emails"]
    )


def _resolve_account(request: HttpRequest, form: ContactForm) -> bool:
    name = form.cleaned_data.get("account_name", "").strip()
    form.cleaned_data["account_obj"] = None
    if not name:
        return True
    account = selectors.accounts_visible_to(request.user).filter(name=name).first()
    if account is None:
        form.add_error("account_name", _("No account with this exact name."))
        return False
    form.cleaned_data["account_obj"] = account
    return True


def _save(request: HttpRequest, form: ContactForm, contact: Contact | None) -> Contact | None:
    fields = form.service_fields()
    fields["account"] = fields.pop("account_obj", None)
    if contact is not None:
        fields = without_hidden_account_unlink(contact, fields)
    try:
        if contact is None:
            return contact_create(actor=request.user, **fields)
        version = int(request.POST.get("version", "0") or 0)
        return contact_update(actor=request.user, contact=contact, version=version, **fields)
    except GuanxiError as exc:
        add_service_error(form, exc)
        return None


def _initial(contact: Contact) -> dict[str, Any]:
    return {
        **{
            name: getattr(contact, name)
            for name in (
                "name",
                "title",
                "account_role",
                "wechat_id",
                "birthday",
                "gender",
                "source",
                "province",
                "city",
                "district",
                "street",
                "postcode",
                "visibility",
                "description",
            )
        },
        "phones": "\n".join(p.number for p in contact.phones.all()),
        "emails": "\n".join(e.email for e in contact.emails.all()),
        "tags": ", ".join(t.name for t in contact.tags.all()),
        "account_name": contact.shown_account.name if contact.shown_account else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def contact_form_view(request: HttpRequest, public_id: str | None = None) -> HttpResponse:
    contact = _get_contact(request, public_id) if public_id else None
    initial = _initial(contact) if contact else {"account_name": request.GET.get("account", "")}
    require_form_access(request, contact)
    form = ContactForm(request.POST or None, initial=initial, user=request.user, record=contact)
    duplicates: list[Contact] = []
    in_pool = False
    if request.method == "POST" and form.is_valid() and _resolve_account(request, form):
        duplicates = _duplicates(request, form, contact.pk if contact else None)
        in_pool = contact is None and _waiting_in_pool(request, form)
        if not (duplicates or in_pool) or form.cleaned_data["confirm_duplicate"]:
            saved = _save(request, form, contact)
            if saved is not None:
                messages.success(request, _("Saved."))
                return redirect("contact-detail", public_id=saved.public_id)
            duplicates, in_pool = [], False
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "contact": contact, "duplicates": duplicates, "in_pool": in_pool},
        status=422 if form.errors or duplicates or in_pool else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete_view(request: HttpRequest, public_id: str) -> HttpResponse:
    record = _get_contact(request, public_id)
    return delete_record(request, record, kind="contact", delete=contact_delete)


@login_required
@require_POST
def contact_restore_view(request: HttpRequest, public_id: str) -> HttpResponse:
    record = _get_contact(request, public_id, deleted=True)
    return restore_record(request, record, kind="contact", restore=contact_restore)
