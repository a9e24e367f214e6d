"""Purchase history: orders and their lines, and the record of each order import.

Orders come from POS systems and online shops; ``external_id`` is the order number in that
system, unique per organisation, which is what makes re-importing the same file change nothing.
``ordered_on`` is the local calendar day of ``ordered_at``, stored so that analytics can count
purchase days with a plain GROUP BY on either database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.commerce.choices import ImportStatus, OrderStatus
from guanxi.core.models import OrganizationScopedModel


class Order(OrganizationScopedModel):
    external_id = models.CharField(_("order number"), max_length=64, blank=True, default="")
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("contact"),
    )
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("account"),
    )
    store = models.CharField(_("store"), max_length=60, blank=True)
    channel = models.CharField(_("channel"), max_length=60, blank=True)
    ordered_at = models.DateTimeField(_("ordered at"))
    ordered_on = models.DateField(_("order day"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.COMPLETED
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "external_id"],
                condition=~models.Q(external_id=""),
                name="commerce_order_unique_external_id",
            )
        ]
        indexes = [
            # A contact's orders by day, carrying what the analytics summary reads (organisation,
            # status, amount) so that the summary reads this index alone, already grouped, and
            # never the table: a sort of ten million rows or ten million row look-ups otherwise.
            models.Index(
                fields=["contact", "ordered_on", "org", "status", "amount"],
                name="commerce_order_purchases_idx",
            ),
            models.Index(fields=["org", "ordered_on"], name="commerce_order_org_day_idx"),
        ]

    def __str__(self) -> str:
        return self.external_id or str(self.public_id)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "commerce.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description or str(self.product)


class OrderImport(OrganizationScopedModel):
    """One run of an order import: what was read, what changed, and each refused row."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    rows_read = models.PositiveIntegerField(default=0)
    orders_created = models.PositiveIntegerField(default=0)
    orders_updated = models.PositiveIntegerField(default=0)
    orders_unchanged = models.PositiveIntegerField(default=0)
    customers_created = models.PositiveIntegerField(default=0)
    customers_matched = models.PositiveIntegerField(default=0)
    errors = models.JSONField(_("refused rows"), default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order import")
        verbose_name_plural = _("order imports")

    def __str__(self) -> str:
        return self.file_name or str(self.public_id)
