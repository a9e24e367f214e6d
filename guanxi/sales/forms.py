"""Forms of the sales pages; they only parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.sales.choices import LeadStatus
from guanxi.sales.models import Stage


class LeadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    source = forms.ChoiceField(label=_("Channel"), required=False)
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, channels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = [("", "—"), *channels]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        phone, email = data.pop("phone"), data.pop("email")
        return {**data, "phones": [phone] if phone else [], "emails": [email] if email else []}


class LeadStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=LeadStatus.choices)
    disqualified_reason = forms.CharField(
        label=_("Reason (when disqualified)"), max_length=200, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConvertForm(forms.Form):
    create_opportunity = forms.BooleanField(
        label=_("Also create an opportunity"), required=False, initial=True
    )
    opportunity_name = forms.CharField(label=_("Opportunity name"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=0, required=False
    )


class StageMoveForm(forms.Form):
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), label=_("Stage"))
    version = forms.IntegerField(widget=forms.HiddenInput)
    close_reason = forms.CharField(label=_("Reason won or lost"), max_length=200, required=False)

    def __init__(self, *args: Any, pipeline: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = pipeline.stages.all()  # type: ignore[attr-defined]
