"""Commitments: what someone promised a customer, by when — first-class records, because three
reps talked to a customer and nobody knew what each had promised."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel, VersionedModel
from guanxi.platform.models.owned import OwnedModel


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class Commitment(OrganizationScopedModel, VersionedModel, OwnedModel):
    """``owner``: who promised (and must keep it); ``contact``: to whom."""

    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("what was promised"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["org", "status", "due_at"], name="sales_commitment_due_idx")
        ]

    def __str__(self) -> str:
        return self.description[:80]
