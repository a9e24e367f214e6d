"""Scoring rules an administrator writes: points for what makes a lead fit (title, region,
company) and for what shows engagement (came by a form, at an event, left a message). The
learned half of the score needs no table: it is counted from the organisation's own history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class ScoringKind(models.TextChoices):
    FIT = "fit", _("Fit")
    ENGAGEMENT = "engagement", _("Engagement")


class ScoringField(models.TextChoices):
    TITLE = "title", _("Job title")
    PROVINCE = "province", _("Region")
    COMPANY = "company", _("Company")
    CHANNEL = "channel", _("Channel")
    CAMPAIGN = "utm_campaign", _("Event or campaign")
    MESSAGE = "message", _("Message")
    EMAIL = "email", _("Has an e-mail address")


class LeadScoringRule(OrganizationScopedModel):
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ScoringKind.choices)
    field = models.CharField(_("field"), max_length=20, choices=ScoringField.choices)
    # The text the field must contain (a channel's code for the channel); blank: not empty.
    contains = models.CharField(_("contains"), max_length=100, blank=True)
    points = models.SmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label
