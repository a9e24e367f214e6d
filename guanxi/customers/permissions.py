"""What the customers domain lets roles do, and who may change an activity; asked by services
(to refuse) and pages (to hide the buttons a user could not use)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.platform.roles import EVERYONE, WORKERS, PermissionSpec, Role, register_permissions


class CustomerPermission(models.TextChoices):
    VIEW_CUSTOMERS = "customers.view", _("View customers")
    ADD_CUSTOMERS = "customers.add", _("Add customers")
    CHANGE_CUSTOMERS = "customers.change", _("Change customers")
    DELETE_CUSTOMERS = "customers.delete", _("Delete customers")
    ADD_ACTIVITIES = "activities.add", _("Log activities")
    EXPORT_CUSTOMERS = "customers.export", _("Export customer lists")
    MANAGE_FIELDS = "customers.manage_fields", _("Manage custom fields")


_HOLDERS = {
    CustomerPermission.VIEW_CUSTOMERS: EVERYONE,
    CustomerPermission.ADD_CUSTOMERS: WORKERS,
    CustomerPermission.CHANGE_CUSTOMERS: WORKERS,
    # Deleting is still limited to records one manages (owner, team managers).
    CustomerPermission.DELETE_CUSTOMERS: frozenset({Role.MANAGER, Role.SALES_REP}),
    CustomerPermission.ADD_ACTIVITIES: WORKERS,
    # A whole customer list leaving in one file: those who sell and market, not service desks
    # or read-only seats (administrators hold every permission).
    CustomerPermission.EXPORT_CUSTOMERS: frozenset({Role.MANAGER, Role.SALES_REP, Role.MARKETER}),
    CustomerPermission.MANAGE_FIELDS: frozenset(),  # administrators only
}


def register() -> None:
    register_permissions(
        PermissionSpec(permission, permission.label, roles)
        for permission, roles in _HOLDERS.items()
    )


def can_change_activity(user: Any, activity: Any) -> bool:
    """The author, the assignee and administrators change or complete an activity."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.pk in (activity.created_by_id, activity.assignee_id) or user.is_administrator)
    )
