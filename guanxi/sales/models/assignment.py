"""Assignment rules: who gets a lead nobody chose an owner for (a web form's, an import's).

Rules are tried in order; a rule applies to leads from its region (or every region when blank)
and hands them round-robin to its team's reps, skipping anyone already holding ``open_lead_cap``
open leads (0: no cap). ``last_owner`` is where the round stopped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class AssignmentRule(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        "platform.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team")
    )
    province = models.CharField(_("region"), max_length=40, blank=True)
    open_lead_cap = models.PositiveIntegerField(_("open leads per rep at most"), default=0)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)
    last_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name
