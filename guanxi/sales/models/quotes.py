"""Quotes: what a customer was offered, line by line, and how each price was found.

A quote is numbered per organisation and year (``Q2026-00001``); revising a sent quote makes a
new revision under the same number and marks the old one superseded, so what the customer saw
is never rewritten. Each line keeps the list price, the price book's price, the rule that set it
and the rep's discount, so a manager can read why it costs what it costs months later.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel, VersionedModel
from guanxi.platform.models.owned import OwnedModel
from guanxi.sales.choices import ApprovalStatus, QuoteStatus

ZERO = Decimal(0)


def _money(label: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=ZERO)


class Quote(OrganizationScopedModel, VersionedModel, OwnedModel):
    number = models.CharField(_("number"), max_length=20)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    opportunity = models.ForeignKey(
        "sales.Opportunity", on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    account = models.ForeignKey(
        "customers.Account", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    approval = models.CharField(
        _("discount approval"),
        max_length=10,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.NOT_NEEDED,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approval_note = models.CharField(_("approval note"), max_length=200, blank=True)
    # The largest discount the rep gave on a line, the overall discount included.
    max_discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    discount_percent = models.DecimalField(
        _("overall discount (%)"), max_digits=5, decimal_places=2, default=ZERO
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    subtotal = _money(_("subtotal"))
    discount_total = _money(_("overall discount"))
    tax_total = _money(_("tax"))
    total = _money(_("total"))
    valid_until = models.DateField(_("valid until"))
    note = models.TextField(_("note"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or rejected at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=200, blank=True)
    order = models.ForeignKey(
        "commerce.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "number", "revision"], name="sales_quote_unique_number"
            )
        ]
        indexes = [
            models.Index(fields=["org", "account", "status"], name="sales_quote_account_idx"),
            models.Index(fields=["org", "contact", "status"], name="sales_quote_contact_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def timeline_subject(self) -> Any:
        """Where the quote's events appear: its customer's timeline (company first)."""
        return self.account or self.contact or self

    @property
    def label(self) -> str:
        return self.number if self.revision == 1 else f"{self.number}-v{self.revision}"


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("commerce.Product", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    list_price = models.DecimalField(
        _("list price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The price book's price for this customer and quantity, before the rep's discount.
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    price_rule = models.CharField(_("priced by"), max_length=200, blank=True)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=ZERO
    )
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)
    net_amount = _money(_("amount"))  # quantity × unit price − the line's discount
    tax_amount = _money(_("tax"))
    total_amount = _money(_("total"))  # after the overall discount, tax included
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class QuoteCounter(OrganizationScopedModel):
    """The last quote number given in a year, taken under a row lock."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="sales_quotecounter_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class DiscountLimit(OrganizationScopedModel):
    """How far a rep may discount without a manager's approval. The row without a user is the
    organisation's default; without any row the default is ``DEFAULT_DISCOUNT_LIMIT``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    limit_percent = models.DecimalField(_("discount limit (%)"), max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "user"], name="sales_discountlimit_unique_user"),
            models.UniqueConstraint(
                fields=["org"],
                condition=models.Q(user__isnull=True),
                name="sales_discountlimit_unique_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.limit_percent}%"
