from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import TimestampedModel
from guanxi.platform.visibility import OrganizationSharing


class Organization(TimestampedModel):
    """A business using Guanxi. One default organisation today; dealer networks later."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    customer_sharing = models.CharField(
        _("customers shared with the organisation are"),
        max_length=10,
        choices=OrganizationSharing.choices,
        default=OrganizationSharing.READ,
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Team(TimestampedModel):
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    # A team may have several managers (a shop's owner and its floor manager); each sees and may
    # hand over every record of the team. The related name is what visibility reads.
    managers = models.ManyToManyField(
        "platform.User", blank=True, related_name="managed_teams", verbose_name=_("managers")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="platform_team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
