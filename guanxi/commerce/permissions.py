"""What commerce lets roles do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.platform.roles import PermissionSpec, Role, register_permissions


class CommercePermission(models.TextChoices):
    IMPORT_ORDERS = "commerce.import_orders", _("Import orders")
    MANAGE_CATALOG = "commerce.manage_catalog", _("Set products and price books")


def register() -> None:
    register_permissions(
        [
            PermissionSpec(
                CommercePermission.IMPORT_ORDERS,
                CommercePermission.IMPORT_ORDERS.label,
                frozenset({Role.MANAGER}),
            ),
            PermissionSpec(
                CommercePermission.MANAGE_CATALOG,
                CommercePermission.MANAGE_CATALOG.label,
                frozenset({Role.MANAGER}),
            ),
        ]
    )
