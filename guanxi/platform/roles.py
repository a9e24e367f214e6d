"""Roles are named permission sets; each domain declares its own permissions.

Keeping them in code (not in editable tables) makes every role's meaning reviewable in a diff and
testable; an organisation picks a role per user. The platform declares only its own permissions
(audit, users, API); customers, commerce, analytics and later domains declare theirs in their
``permissions.py`` and register them in ``AppConfig.ready()``, naming the roles that hold each one.
A role's permission set is composed from those declarations, so the platform names no domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    SALES_REP = "sales_rep", _("Sales rep")
    SERVICE_AGENT = "service_agent", _("Service agent")
    MARKETER = "marketer", _("Marketer")
    READ_ONLY = "read_only", _("Read-only")


# The roles that do the daily work with customers, for domains' declarations.
WORKERS = frozenset({Role.MANAGER, Role.SALES_REP, Role.SERVICE_AGENT, Role.MARKETER})
EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class PermissionSpec:
    code: str
    label: Any  # a lazy translation
    roles: frozenset[str]  # administrators hold every permission without being named


class Permission(models.TextChoices):
    """The platform's own permissions."""

    VIEW_AUDIT = "audit.view", _("Browse the audit trail")
    MANAGE_USERS = "platform.manage_users", _("Manage users and teams")
    USE_API = "platform.use_api", _("Use the API with personal tokens")


_SPECS: dict[str, PermissionSpec] = {}


def register_permissions(specs: Iterable[PermissionSpec]) -> None:
    for spec in specs:
        _SPECS[spec.code] = spec


_PLATFORM_HOLDERS = {
    Permission.VIEW_AUDIT: frozenset({Role.MANAGER}),
    Permission.MANAGE_USERS: frozenset(),  # administrators only
    Permission.USE_API: EVERYONE,
}
register_permissions(
    PermissionSpec(permission, permission.label, roles)
    for permission, roles in _PLATFORM_HOLDERS.items()
)


def permission_specs() -> list[PermissionSpec]:
    return sorted(_SPECS.values(), key=lambda spec: spec.code)


def role_permissions(role: str) -> frozenset[str]:
    if role == Role.ADMINISTRATOR:
        return frozenset(_SPECS)
    return frozenset(code for code, spec in _SPECS.items() if role in spec.roles)


def role_has_permission(role: str, permission: str) -> bool:
    if permission not in _SPECS:
        return False
    return role == Role.ADMINISTRATOR or role in _SPECS[permission].roles
