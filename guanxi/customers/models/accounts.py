from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.fields import ByteOrderCharField
from guanxi.customers.choices import CompanySize
from guanxi.customers.models.base import CustomerRecord
from guanxi.customers.names import SORT_KEY_LENGTH


class Account(CustomerRecord):
    """A company the business sells to or serves."""

    name = models.CharField(_("name"), max_length=200)
    # Pinyin order for the lists (``names.sort_key``), kept by the services.
    sort_key = ByteOrderCharField(max_length=SORT_KEY_LENGTH, db_default="", editable=False)
    industry = models.CharField(_("industry"), max_length=80, blank=True)
    size = models.CharField(
        _("size"), max_length=10, choices=CompanySize.choices, blank=True, default=""
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    tags = models.ManyToManyField("customers.Tag", blank=True, related_name="accounts")

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(fields=["org", "owner", "-id"], name="customers_account_owner_idx"),
            models.Index(fields=["org", "name"], name="customers_account_name_idx"),
            models.Index(fields=["org", "sort_key"], name="customers_account_sort_idx"),
        ]

    def __str__(self) -> str:
        return self.name
