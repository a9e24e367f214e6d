"""The quote form: up to ``LINE_ROWS`` product lines, an overall discount, validity and a note.
It parses only; pricing and every rule are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.commerce.models import Product

LINE_ROWS = 6


class QuoteForm(forms.Form):
    discount_percent = forms.DecimalField(
        label=_("Overall discount (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, products: list[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.products = {str(product.public_id): product for product in products}
        choices = [("", "—")] + [
            (key, f"{product.sku} · {product.name}") for key, product in self.products.items()
        ]
        for row in range(LINE_ROWS):
            self.fields[f"product_{row}"] = forms.ChoiceField(
                label=_("Product"), choices=choices, required=False
            )
            self.fields[f"quantity_{row}"] = forms.DecimalField(
                label=_("Quantity"),
                max_digits=12,
                decimal_places=3,
                min_value=Decimal("0.001"),
                required=False,
            )
            self.fields[f"discount_{row}"] = forms.DecimalField(
                label=_("Discount (%)"),
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=100,
                required=False,
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"product_{row}"], self[f"quantity_{row}"], self[f"discount_{row}"])
            for row in range(LINE_ROWS)
        ]

    def lines(self) -> list[tuple[Product, Decimal, Decimal]]:
        chosen = []
        for row in range(LINE_ROWS):
            key = self.cleaned_data.get(f"product_{row}")
            if key:
                quantity = self.cleaned_data.get(f"quantity_{row}") or Decimal(1)
                discount = self.cleaned_data.get(f"discount_{row}") or Decimal(0)
                chosen.append((self.products[key], quantity, discount))
        return chosen
