"""Forms of the catalogue page: a product, and a price book with up to ``RULE_ROWS`` rules.
They parse only; the services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.commerce.models import Product
from guanxi.commerce.services.catalog import RuleInput

RULE_ROWS = 5


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    category = forms.CharField(label=_("Category"), max_length=60, required=False)
    list_price = forms.DecimalField(
        label=_("List price"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        initial=13,
    )


class PriceBookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    customer_tag = forms.CharField(label=_("For customers tagged"), max_length=40, required=False)
    province = forms.CharField(label=_("For the region"), max_length=40, required=False)

    def __init__(self, *args: Any, products: list[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.products = {str(product.public_id): product for product in products}
        choices = [("", _("— a category or every product —"))] + [
            (key, f"{product.sku} · {product.name}") for key, product in self.products.items()
        ]
        for row in range(RULE_ROWS):
            self.fields[f"product_{row}"] = forms.ChoiceField(
                label=_("Product"), choices=choices, required=False
            )
            self.fields[f"category_{row}"] = forms.CharField(
                label=_("Category"), max_length=60, required=False
            )
            self.fields[f"min_quantity_{row}"] = forms.DecimalField(
                label=_("From quantity"),
                max_digits=12,
                decimal_places=3,
                min_value=0,
                required=False,
            )
            self.fields[f"fixed_price_{row}"] = forms.DecimalField(
                label=_("Fixed price"),
                max_digits=14,
                decimal_places=2,
                min_value=0,
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
            for name, label in (("valid_from", _("From")), ("valid_until", _("Until"))):
                self.fields[f"{name}_{row}"] = forms.DateField(
                    label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
                )

    def rows(self) -> list[list[Any]]:
        names = ("product", "category", "min_quantity", "fixed_price", "discount")
        return [
            [self[f"{name}_{row}"] for name in (*names, "valid_from", "valid_until")]
            for row in range(RULE_ROWS)
        ]

    def rules(self) -> list[RuleInput]:
        """Rows with a price or a discount, in order; empty rows are skipped."""
        data = self.cleaned_data
        found = []
        for row in range(RULE_ROWS):
            fixed, discount = data.get(f"fixed_price_{row}"), data.get(f"discount_{row}")
            if fixed is None and discount is None:
                continue
            key = data.get(f"product_{row}")
            found.append(
                RuleInput(
                    product=self.products.get(key) if key else None,
                    category=data.get(f"category_{row}") or "",
                    min_quantity=data.get(f"min_quantity_{row}") or 0,
                    valid_from=data.get(f"valid_from_{row}"),
                    valid_until=data.get(f"valid_until_{row}"),
                    fixed_price=fixed,
                    discount_percent=discount,
                )
            )
        return found
