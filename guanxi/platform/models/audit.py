from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One state change: who, what (a dotted verb), on which record, and the fields before/after.

    ``subject_type``/``subject_id`` name the customer record the change belongs to (a contact or an
    account), so that the customer timeline reads straight from here without knowing every domain.
    """

    org = models.ForeignKey(
        "platform.Organization", on_delete=models.PROTECT, related_name="+", null=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    verb = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.BigIntegerField(_("record"))
    target_label = models.CharField(max_length=200, blank=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="platform_audit_target_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "-created_at"],
                name="platform_audit_subject_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type}:{self.target_id}"
