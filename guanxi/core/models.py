"""Base models every business table builds on.

Integer keys stay internal; ``public_id`` is what URLs and the API show. Every business row carries
its organisation so that a dealer network can share data by rule later without a rewrite.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class OrganizationScopedModel(TimestampedModel):
    org = models.ForeignKey(
        "platform.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("org")
    )

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A ``version`` that every update increments, so that a stale edit can be refused."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True
