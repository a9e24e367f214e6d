"""Forms for the web UI. They parse input; the services validate and write."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers import regions
from guanxi.customers.choices import AccountRole, ActivityKind, CompanySize, Gender, PhoneKind
from guanxi.customers.custom_fields import custom_fields_of
from guanxi.customers.custom_fields_form import CustomValuesMixin
from guanxi.customers.phones import display_phone, normalize_phone
from guanxi.customers.regions import Place
from guanxi.platform.models import User
from guanxi.platform.selectors import active_users
from guanxi.platform.visibility import Visibility, can_manage

MIN_PHONE_ROWS = 3
EMPTY_PHONE_ROWS = 2
MAX_PHONE_ROWS = 10  # as many as a contact may have (services.contacts.MAX_PHONES)


def split_lines(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,;，；]+", value or "") if part.strip()]


class RegionFieldsForm(forms.Form):
    """Province → city → district, each a choice from the national list (``regions.py``).

    Choosing a province or city asks the server for the next level's options (htmx, the
    ``region-fields`` view); without JavaScript the options follow the province on the next
    submit. A value saved before the list existed stays selectable, so it is not lost on edit;
    where the list has no detail (the towns of 东莞, the districts of 香港) the level is free text.
    """

    province = forms.CharField(label=_("Province"), max_length=40, required=False)
    city = forms.CharField(label=_("City"), max_length=40, required=False)
    district = forms.CharField(label=_("District"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province, city, district = (self._region_value(name) for name in regions.FIELDS)
        province_place = regions.find(regions.provinces(), province)
        cities = province_place.children if province_place else ()
        city_place = regions.find(cities, city)
        districts = city_place.children if city_place else ()
        cities_listed = not province or bool(cities)
        self._offer("province", regions.provinces(), province)
        if cities_listed:
            self._offer("city", cities, city)
        if (cities_listed and not city) or districts:
            self._offer("district", districts, district)

    @property
    def region_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in regions.FIELDS]

    def _region_value(self, name: str) -> str:
        if self.is_bound:
            return " ".join(str(self.data.get(self.add_prefix(name), "") or "").split())
        return " ".join(str(self.initial.get(name) or "").split())

    def _offer(self, name: str, places: Sequence[Place], current: str) -> None:
        """A select of ``places``, plus the current value when the list does not have it (the
        levels not offered this way stay text boxes)."""
        choices = [("", "—"), *((place.name, place.label) for place in places)]
        if current and current not in {place.name for place in places}:
            choices.append((current, current))
        attrs: dict[str, Any] = {}
        if name != "district":
            attrs = {
                "hx-get": reverse("region-fields"),
                "hx-include": "closest fieldset",
                "hx-target": "closest fieldset",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        self.fields[name].widget = forms.Select(choices=choices, attrs=attrs)


class CustomerFieldsForm(CustomValuesMixin, RegionFieldsForm):
    """Fields that accounts and contacts share, and the organisation's custom fields."""

    custom_entity = ""
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.ORGANIZATION
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=None
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Save anyway: this is a different customer"), required=False
    )

    def __init__(self, *args: Any, user: Any, record: Any = None, **kwargs: Any) -> None:
        """The owner and visibility fields are offered only to those who may change them."""
        super().__init__(*args, **kwargs)
        self.add_custom_fields(custom_fields_of(user.org_id, self.custom_entity), record)
        if record is not None and not can_manage(user, record):
            del self.fields["owner"]
            del self.fields["visibility"]
            return
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = active_users(user.org_id)
        owner_field.label_from_instance = lambda person: person.display_name  # type: ignore[method-assign,assignment]
        owner_field.initial = record.owner_id if record is not None else user.pk

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("confirm_duplicate", None)
        if "owner" in data and data["owner"] is None:
            del data["owner"]
        data["tags"] = split_lines(data.get("tags", ""))
        self.pop_custom_values(data)
        return data


class ContactForm(CustomerFieldsForm):
    """A contact; its phones are rows of number + kind (``phone_<n>``, ``phone_kind_<n>``).

    The form always offers a few empty rows, so "add another" needs no JavaScript: saving shows
    two fresh rows again. A kind left on "Detect" is inferred from the number by the service
    (021 6234 5678 is a landline, 138 0013 8000 a mobile).
    """

    custom_entity = "contact"
    name = forms.CharField(label=_("Name"), max_length=100)
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
        "postcode",
        "tags",
        "owner",
        "visibility",
        "description",
        "confirm_duplicate",
    ]

    def __init__(self, *args: Any, record: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, record=record, **kwargs)
        saved = [(p.number, p.kind) for p in record.phones.all()] if record is not None else []
        if self.is_bound:
            given = [int(m[1]) for key in self.data if (m := re.fullmatch(r"phone_(\d+)", key))]
            rows = max(given, default=-1) + 1
        else:
            rows = len(saved) + EMPTY_PHONE_ROWS
        self.phone_count = min(max(rows, MIN_PHONE_ROWS), MAX_PHONE_ROWS)
        for index in range(self.phone_count):
            number, kind = saved[index] if index < len(saved) else ("", "")
            self.fields[f"phone_{index}"] = forms.CharField(
                label=_("Phone %(n)s") % {"n": index + 1},
                max_length=40,
                required=False,
                initial=display_phone(number) if number else "",
                widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            )
            self.fields[f"phone_kind_{index}"] = forms.ChoiceField(
                label=_("Kind"),
                choices=[("", _("Detect")), *PhoneKind.choices],
                required=False,
                initial=kind,
            )

    @property
    def phone_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"phone_{i}"], self[f"phone_kind_{i}"]) for i in range(self.phone_count)]

    @property
    def phone_field_names(self) -> set[str]:
        return {bound.name for row in self.phone_rows for bound in row}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for index in range(self.phone_count):
            number = cleaned.get(f"phone_{index}", "")
            if number:
                try:
                    normalize_phone(number)
                except ServiceValidationError as exc:
                    self.add_error(f"phone_{index}", exc.message)
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data.pop("account_name", None)
        phones = []
        for index in range(self.phone_count):
            number = data.pop(f"phone_{index}", "")
            kind = data.pop(f"phone_kind_{index}", "")
            if number:
                phones.append({"number": number, "kind": kind})
        # Numbers one per line, as the form took them before the rows (kind detected).
        phones.extend({"number": n, "kind": ""} for n in split_lines(self.data.get("phones", "")))
        data["phones"] = phones
        data["emails"] = split_lines(data.get("emails", ""))
        return data


class AccountForm(CustomerFieldsForm):
    custom_entity = "account"
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
        "postcode",
        "tags",
        "owner",
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
