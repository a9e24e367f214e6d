"""Collaborators (团队成员): colleagues an owner adds to one record, beyond its team and sharing.

Rows name their record by type and id so that any domain's records can have collaborators
without the platform knowing the domain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import TimestampedModel
from guanxi.platform.visibility import CollaboratorAccess


class RecordCollaborator(TimestampedModel):
    org = models.ForeignKey("platform.Organization", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(_("record type"), max_length=60)
    record_id = models.BigIntegerField(_("record"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="collaborations",
        verbose_name=_("colleague"),
    )
    access = models.CharField(
        _("access"), max_length=5, choices=CollaboratorAccess.choices, default="read"
    )
    until = models.DateField(_("until"), null=True, blank=True)
    include_children = models.BooleanField(
        _("also its contacts"),
        default=False,
        help_text=_("For an account: the colleague also sees the account's contacts."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "user"],
                name="platform_collaborator_unique_user",
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "record_type", "record_id"], name="platform_collab_user_idx"
            ),
            models.Index(fields=["record_type", "record_id"], name="platform_collab_record_idx"),
        ]

    def __str__(self) -> str:
        # The audit trail names the row by it: the colleague, in words.
        return str(self.user.display_name)
