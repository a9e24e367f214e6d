"""What analytics lets roles do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.platform.roles import PermissionSpec, Role, register_permissions


class AnalyticsPermission(models.TextChoices):
    REFRESH_ANALYTICS = "analytics.refresh", _("Recompute customer scores")


def register() -> None:
    register_permissions(
        [
            PermissionSpec(
                AnalyticsPermission.REFRESH_ANALYTICS,
                AnalyticsPermission.REFRESH_ANALYTICS.label,
                frozenset({Role.MANAGER}),
            )
        ]
    )
