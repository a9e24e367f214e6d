"""Fields an organisation adds to its contacts and accounts (会员号, 身份证号, 车架号 ...).

Definitions live here; values live on the record in ``custom`` (a JSON object keyed by the
field's ``key``), which both databases store and filter natively. An **identifier** field's values
are unique per organisation and used for matching imports and duplicates, so they are also kept
in :class:`CustomIdentifier`, whose unique constraint is what enforces that promise.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class CustomFieldEntity(models.TextChoices):
    CONTACT = "contact", _("Contacts")
    ACCOUNT = "account", _("Accounts")


class CustomFieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    BOOL = "bool", _("Yes / no")
    IDENTIFIER = "identifier", _("Identifier (unique)")


class CustomField(OrganizationScopedModel):
    entity = models.CharField(_("on"), max_length=10, choices=CustomFieldEntity.choices)
    key = models.SlugField(_("key"), max_length=40, allow_unicode=False)
    label = models.CharField(_("label"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=CustomFieldKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["entity", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "entity", "key"], name="customers_customfield_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.label


class CustomIdentifier(models.Model):
    """One identifier value held by one contact or account; unique per field."""

    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["field", "value"], name="customers_customidentifier_unique_value"
            )
        ]

    def __str__(self) -> str:
        return self.value
