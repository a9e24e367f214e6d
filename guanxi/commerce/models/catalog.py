"""What the business sells and at what price: products, and price books of rules.

A price book applies to everyone, or only to a customer group (a tag), a region (a province) or
one named customer; its rules price a product or a whole category, from a minimum quantity, within
validity dates, at a fixed price or a discount on the list price. :mod:`guanxi.commerce.pricing`
picks the first rule that matches, most specific first, and says which one it was.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class Product(OrganizationScopedModel):
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True, db_default="")
    # Before tax. Products first seen in an order import have no list price until someone sets it.
    list_price = models.DecimalField(
        _("list price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, db_default=0, default=0
    )
    category = models.CharField(_("category"), max_length=60, blank=True, db_default="")
    active = models.BooleanField(_("active"), db_default=True, default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["org", "sku"], name="commerce_product_unique_sku")
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class PriceBook(OrganizationScopedModel):
    """Prices for some customers. With no group, region or customer it applies to everyone."""

    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    customer_tag = models.ForeignKey(
        "customers.Tag",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer group"),
    )
    province = models.CharField(_("region"), max_length=40, blank=True)
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )

    class Meta:
        verbose_name = _("price book")
        verbose_name_plural = _("price books")

    def __str__(self) -> str:
        return self.name


class PriceRule(models.Model):
    book = models.ForeignKey(PriceBook, on_delete=models.CASCADE, related_name="rules")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(_("category"), max_length=60, blank=True)
    min_quantity = models.DecimalField(
        _("minimum quantity"), max_digits=12, decimal_places=3, default=0
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    fixed_price = models.DecimalField(
        _("fixed price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fixed_price__isnull=True)
                | models.Q(discount_percent__isnull=True),
                name="commerce_pricerule_one_way_to_price",
            )
        ]

    def __str__(self) -> str:
        return f"{self.book_id}#{self.position}"
