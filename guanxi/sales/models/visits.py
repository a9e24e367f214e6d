"""Field visits (外勤签到): a rep checks in at a customer's from a phone — where the browser said
they were, a photo, a note — on the customer's timeline and in the manager's day list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel
from guanxi.platform.models.owned import OwnedModel


class Visit(OrganizationScopedModel, OwnedModel):
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        "customers.Account", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    # Relative to GUANXI_DATA_DIR; served only through the visit's own page.
    photo = models.CharField(max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["org", "checked_in_at"], name="sales_visit_day_idx")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.checked_in_at:%Y-%m-%d %H:%M}"
