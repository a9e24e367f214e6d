from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.fields import ByteOrderCharField
from guanxi.customers.choices import AccountRole, EmailKind, Gender, PhoneKind
from guanxi.customers.models.base import CustomerRecord
from guanxi.customers.names import SORT_KEY_LENGTH


class Contact(CustomerRecord):
    """A person: someone at an account, or a consumer who stands alone."""

    # A colleague added to the account with its contacts also sees the account's people.
    sharing_parent = ("account", "customers.account")

    name = models.CharField(_("name"), max_length=100)
    pinyin = models.CharField(_("pinyin"), max_length=300, blank=True, editable=False)
    # Pinyin order for the lists (``names.sort_key``), kept by the services like ``pinyin``.
    sort_key = ByteOrderCharField(max_length=SORT_KEY_LENGTH, db_default="", editable=False)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("account"),
    )
    account_role = models.CharField(
        _("role at the account"),
        max_length=20,
        choices=AccountRole.choices,
        blank=True,
        default="",
    )
    wechat_id = models.CharField(_("WeChat ID"), max_length=60, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, blank=True, default=""
    )
    source = models.CharField(_("source"), max_length=60, blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("The customer's number in the shop or POS system that sends its orders."),
    )
    tags = models.ManyToManyField("customers.Tag", blank=True, related_name="contacts")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["org", "owner", "-id"], name="customers_contact_owner_idx"),
            models.Index(fields=["account", "name"], name="customers_contact_account_idx"),
            models.Index(fields=["org", "sort_key"], name="customers_contact_sort_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "external_id"],
                condition=~models.Q(external_id=""),
                name="customers_contact_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_account(self) -> Any:
        """The account, when the viewer may see it (``account_visible`` is annotated by the
        contact selectors); otherwise nothing, so an invisible company is never named."""
        return self.account if getattr(self, "account_visible", False) else None


class ContactPhone(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone"), max_length=20, db_index=True, help_text="E.164")
    kind = models.CharField(
        _("kind"), max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "number"], name="customers_contactphone_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.number


class ContactEmail(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    email = models.CharField(_("email"), max_length=254, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=EmailKind.choices, default=EmailKind.WORK
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "email"], name="customers_contactemail_unique_email"
            )
        ]

    def __str__(self) -> str:
        return self.email
