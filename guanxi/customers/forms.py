"""Forms for the web UI. They parse input; the services validate and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from guanxi.customers.choices import AccountRole, ActivityKind, CompanySize, Gender
from guanxi.platform.visibility import Visibility


def split_lines(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,;，；]+", value or "") if part.strip()]


class CustomerFieldsForm(forms.Form):
    """Fields that accounts and contacts share."""

    province = forms.CharField(label=_("Province"), max_length=40, required=False)
    city = forms.CharField(label=_("City"), max_length=40, required=False)
    district = forms.CharField(label=_("District"), max_length=40, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.ORGANIZATION
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Save anyway: this is a different customer"), required=False
    )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("confirm_duplicate", None)
        data["tags"] = split_lines(data.get("tags", ""))
        return data


class ContactForm(CustomerFieldsForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. 138 0013 8000"),
    )
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    account_name = forms.CharField(
        label=_("Account (company)"),
        max_length=200,
        required=False,
        help_text=_("Type part of the name and pick the account; empty for a consumer."),
        widget=forms.TextInput(
            attrs={
                "list": "account-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("account-suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#account-options",
                "hx-swap": "outerHTML",
            }
        ),
    )
    account_role = forms.ChoiceField(
        label=_("Role at the account"),
        choices=[("", "—"), *AccountRole.choices],
        required=False,
    )
    wechat_id = forms.CharField(label=_("WeChat ID"), max_length=60, required=False)
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    source = forms.CharField(label=_("Source"), max_length=60, required=False)

    field_order = [
        "name",
        "phones",
        "emails",
        "title",
        "account_name",
        "account_role",
        "wechat_id",
        "birthday",
        "gender",
        "source",
        "province",
        "city",
        "district",
        "street",
        "tags",
        "visibility",
        "description",
        "confirm_duplicate",
    ]

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data.pop("account_name", None)
        data["phones"] = split_lines(data.get("phones", ""))
        data["emails"] = split_lines(data.get("emails", ""))
        return data


class AccountForm(CustomerFieldsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    industry = forms.CharField(label=_("Industry"), max_length=80, required=False)
    size = forms.ChoiceField(label=_("Size"), choices=CompanySize.choices, required=False)
    website = forms.CharField(label=_("Website"), max_length=300, required=False)

    field_order = [
        "name",
        "industry",
        "size",
        "website",
        "province",
        "city",
        "district",
        "street",
        "tags",
        "visibility",
        "description",
        "confirm_duplicate",
    ]


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Subject")}),
    )
    body = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    due_at = forms.DateTimeField(
        label=_("Due (tasks)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
