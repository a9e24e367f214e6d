"""Roles are named permission sets, defined here in one place.

Keeping them in code (not in editable tables) makes every role's meaning reviewable in a diff and
testable; an organisation picks a role per user.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    SALES_REP = "sales_rep", _("Sales rep")
    SERVICE_AGENT = "service_agent", _("Service agent")
    MARKETER = "marketer", _("Marketer")
    READ_ONLY = "read_only", _("Read-only")


class Permission(models.TextChoices):
    VIEW_CUSTOMERS = "customers.view", _("View customers")
    ADD_CUSTOMERS = "customers.add", _("Add customers")
    CHANGE_CUSTOMERS = "customers.change", _("Change customers")
    DELETE_CUSTOMERS = "customers.delete", _("Delete customers")
    ADD_ACTIVITIES = "activities.add", _("Log activities")
    VIEW_AUDIT = "audit.view", _("Browse the audit trail")
    MANAGE_USERS = "platform.manage_users", _("Manage users and teams")
    USE_API = "platform.use_api", _("Use the API with personal tokens")
    IMPORT_ORDERS = "commerce.import_orders", _("Import orders")
    REFRESH_ANALYTICS = "analytics.refresh", _("Recompute customer scores")


_WORKER = {
    Permission.VIEW_CUSTOMERS,
    Permission.ADD_CUSTOMERS,
    Permission.CHANGE_CUSTOMERS,
    Permission.ADD_ACTIVITIES,
    Permission.USE_API,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(Permission.values),
    Role.MANAGER: frozenset(
        _WORKER
        | {
            Permission.DELETE_CUSTOMERS,
            Permission.VIEW_AUDIT,
            Permission.IMPORT_ORDERS,
            Permission.REFRESH_ANALYTICS,
        }
    ),
    Role.SALES_REP: frozenset(_WORKER | {Permission.DELETE_CUSTOMERS}),
    Role.SERVICE_AGENT: frozenset(_WORKER),
    Role.MARKETER: frozenset(_WORKER),
    Role.READ_ONLY: frozenset({Permission.VIEW_CUSTOMERS, Permission.USE_API}),
}


def role_has_permission(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
