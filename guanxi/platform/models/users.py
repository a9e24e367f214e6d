from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.platform.roles import Role, role_has_permission


class GuanxiUserManager(UserManager["User"]):
    """Users made by Django's own commands (``createsuperuser``) join the default organisation."""

    def _create_user_object(self, username: Any, email: Any, password: Any, **extra: Any) -> Any:
        if extra.get("org") is None and extra.get("org_id") is None:
            from guanxi.platform.models.organizations import Organization

            extra["org"], _created = Organization.objects.get_or_create(
                slug="default", defaults={"name": "Guanxi"}
            )
        if extra.get("is_superuser"):
            extra.setdefault("role", Role.ADMINISTRATOR)
        return super()._create_user_object(  # type: ignore[misc]
            username, email, password, **extra
        )


class User(AbstractUser):
    """A person who signs in. Belongs to one organisation and at most one team."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    org = models.ForeignKey(
        "platform.Organization", on_delete=models.PROTECT, related_name="users", null=True
    )
    team = models.ForeignKey(
        "platform.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALES_REP)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("Empty: follow the browser."),
    )
    time_zone = models.CharField(_("time zone"), max_length=60, blank=True)

    objects = GuanxiUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip() if self.last_name else self.first_name
        return full or self.username

    def has_role_permission(self, permission: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return role_has_permission(self.role, permission)

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR


class Invitation(models.Model):
    """A one-time link that lets an invited person set their own password.

    Only a digest of the link's secret is stored, so a database leak reveals no usable link;
    ``used_at`` makes the link work once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"invitation for {self.user_id}"
