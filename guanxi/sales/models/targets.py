"""Monthly sales targets (业绩目标) for a rep or a team: won revenue to reach in a month."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class SalesTarget(OrganizationScopedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "platform.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("month"))  # the first day of the month
    amount = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "user", "month"],
                condition=models.Q(user__isnull=False),
                name="sales_target_unique_user_month",
            ),
            models.UniqueConstraint(
                fields=["org", "team", "month"],
                condition=models.Q(team__isnull=False),
                name="sales_target_unique_team_month",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True, team__isnull=False)
                | models.Q(user__isnull=False, team__isnull=True),
                name="sales_target_for_a_rep_or_a_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.amount}"
