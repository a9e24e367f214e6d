"""The order import page: upload a CSV or XLSX file, see what was imported and every refused row."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from guanxi.commerce.models import OrderImport
from guanxi.commerce.permissions import CommercePermission
from guanxi.commerce.rows import OPTIONAL_COLUMNS, ORDER_FIELDS, REQUIRED_COLUMNS
from guanxi.commerce.selectors import recent_imports
from guanxi.commerce.services.imports import orders_import
from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.platform.tabular import open_table


class OrderImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or GB18030, as Excel saves it) or XLSX (the first sheet), with a header "
            "row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    create_customers = forms.BooleanField(
        label=_("Create a contact for each customer id the CRM does not know yet"),
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_import_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role_permission(CommercePermission.IMPORT_ORDERS):  # type: ignore[union-attr]
        raise PermissionDenied
    form = OrderImportForm(request.POST or None, request.FILES or None)
    report: OrderImport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = orders_import(
                actor=request.user,
                table=open_table(
                    upload.file, name=upload.name, max_bytes=settings.GUANXI_IMPORT_MAX_BYTES
                ),
                file_name=upload.name,
                create_customers=form.cleaned_data["create_customers"],
            )
        except GuanxiError as exc:
            add_service_error(form, exc)
    recent = recent_imports(request.user)
    return render(
        request,
        "commerce/order_import.html",
        {
            "form": form,
            "report": report,
            "recent": recent,
            "required_columns": REQUIRED_COLUMNS,
            "optional_columns": OPTIONAL_COLUMNS,
            "order_fields": ORDER_FIELDS,
        },
    )
