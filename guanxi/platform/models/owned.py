"""The fields every owned record shares, whatever its domain (customers, leads, deals, tickets):
an owner, the owner's team (kept in step by handover and team changes), and who may see it.
``platform.visibility`` reads exactly these three."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.platform.visibility import Visibility


class OwnedModel(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        "platform.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visibility = models.CharField(
        _("visible to"), max_length=5, choices=Visibility.choices, default=Visibility.ORGANIZATION
    )

    class Meta:
        abstract = True
