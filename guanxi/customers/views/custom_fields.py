"""Settings → custom fields, for administrators: list per entity, add, edit, archive, restore."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.customers.models import CustomField, CustomFieldEntity, CustomFieldKind
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.services.custom_fields import (
    custom_field_add,
    custom_field_archive,
    custom_field_restore,
    custom_field_update,
)

CHOICES_HELP = gettext_lazy("Choice fields only: one option per line.")


class CustomFieldEditForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Label"), max_length=60)
    choices = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=CHOICES_HELP,
    )
    position = forms.IntegerField(label=gettext_lazy("Position"), min_value=0, max_value=32767)

    def options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class CustomFieldAddForm(CustomFieldEditForm):
    entity = forms.ChoiceField(label=gettext_lazy("On"), choices=CustomFieldEntity.choices)
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=40,
        help_text=gettext_lazy(
            "Used in imports, exports and the API (custom.<key>); lower-case letters, digits "
            "and underscores; cannot be changed later."
        ),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CustomFieldKind.choices)
    position = None  # type: ignore[assignment]  # new fields go last

    field_order = ["entity", "key", "label", "kind", "choices"]


def _require_manager(request: HttpRequest) -> Any:
    user: Any = request.user
    if not user.has_role_permission(CustomerPermission.MANAGE_FIELDS):
        raise PermissionDenied
    return user


def _field(request: HttpRequest, public_id: str) -> CustomField:
    field = CustomField.objects.filter(
        org_id=request.user.org_id,  # type: ignore[union-attr]
        public_id=public_id,
    ).first()
    if field is None:
        raise Http404
    return field


@login_required
def custom_field_list_view(request: HttpRequest) -> HttpResponse:
    user = _require_manager(request)
    fields = CustomField.objects.filter(org_id=user.org_id).order_by("archived", "position", "id")
    sections = [
        (value, label, [field for field in fields if field.entity == value])
        for value, label in CustomFieldEntity.choices
    ]
    return render(request, "customers/custom_fields.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def custom_field_create_view(request: HttpRequest) -> HttpResponse:
    user = _require_manager(request)
    entity = request.GET.get("entity", "")
    initial = {"entity": entity if entity in CustomFieldEntity.values else "contact"}
    form = CustomFieldAddForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            custom_field_add(
                actor=user,
                entity=data["entity"],
                key=data["key"],
                kind=data["kind"],
                label=data["label"],
                choices=form.options(),
            )
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Field added."))
            return redirect("custom-field-list")
    status = 422 if form.errors else 200
    return render(request, "customers/custom_field_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def custom_field_edit_view(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _require_manager(request)
    field = _field(request, public_id)
    initial = {
        "label": field.label,
        "choices": "\n".join(field.choices or []),
        "position": field.position,
    }
    form = CustomFieldEditForm(request.POST or None, initial=initial)
    if field.kind != CustomFieldKind.CHOICE:
        del form.fields["choices"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            custom_field_update(
                actor=user,
                field=field,
                label=data["label"],
                choices=form.options() if "choices" in form.fields else None,
                position=data["position"],
            )
        except GuanxiError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("custom-field-list")
    status = 422 if form.errors else 200
    context = {"form": form, "field": field}
    return render(request, "customers/custom_field_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def custom_field_archive_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET asks for confirmation; POST archives."""
    user = _require_manager(request)
    field = _field(request, public_id)
    if request.method != "POST":
        return render(request, "customers/custom_field_archive.html", {"field": field})
    custom_field_archive(actor=user, field=field)
    messages.success(request, _("Archived “%(label)s”.") % {"label": field.label})
    return redirect("custom-field-list")


@login_required
@require_POST
def custom_field_restore_view(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _require_manager(request)
    field = _field(request, public_id)
    custom_field_restore(actor=user, field=field)
    messages.success(request, _("Restored “%(label)s”.") % {"label": field.label})
    return redirect("custom-field-list")
