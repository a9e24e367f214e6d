"""The forms of the import pages: the upload, and the mapping table (one choice per column)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.platform.imports.registry import ImportField
from guanxi.platform.models.imports import OnMatch

ACCEPTED = ".csv,.txt,.tsv,.xlsx,.xlsm,.vcf,.vcard"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or GB18030, as Excel saves it), an Excel workbook (.xlsx) or a phone "
            "address book (vCard, .vcf), with a header row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )


class MappingForm(forms.Form):
    """``column_<n>`` for the n-th column of the file: the field it feeds, or nothing."""

    on_match = forms.ChoiceField(
        label=_("When a row matches an existing record"),
        choices=OnMatch.choices,
        initial=OnMatch.UPDATE,
    )
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=80,
        required=False,
        help_text=_("A name to reuse it next time (e.g. “POS export”); leave empty to not save."),
    )

    def __init__(
        self,
        data: object,
        *,
        columns: Sequence[str],
        fields: Sequence[ImportField],
        mapping: dict[str, str],
    ):
        super().__init__(data)  # type: ignore[arg-type]
        self.columns = list(columns)
        choices = [("", _("— not imported —")), *((f.key, f.label) for f in fields)]
        for index, column in enumerate(self.columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column or _("(no header)"),
                choices=choices,
                required=False,
                initial=mapping.get(column, ""),
                disabled=not column,
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{index}"] for index in range(len(self.columns))]

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data.get(f"column_{index}") or ""
            for index, column in enumerate(self.columns)
            if column and self.cleaned_data.get(f"column_{index}")
        }
