from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel, VersionedModel
from guanxi.customers.choices import ActivityKind


class Activity(OrganizationScopedModel, VersionedModel):
    """A note, call, meeting or task about an account and/or a contact.

    An activity on a contact also stores the contact's account, so it belongs to both; neither
    link cascades. Purging goes through the customers registry (``related_rows.py``), which deletes
    an activity only when no customer is left and otherwise just drops the purged link; deleting a
    customer straight through the ORM while it still holds an activity of its own fails on the
    ``customers_activity_has_customer`` check instead of losing the activity unseen.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("details"), blank=True)
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_activities",
        verbose_name=_("assignee"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["contact", "-occurred_at"], name="customers_activity_contact_idx"),
            models.Index(fields=["account", "-occurred_at"], name="customers_activity_account_idx"),
            models.Index(
                fields=["assignee", "done_at", "due_at"], name="customers_activity_task_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account__isnull=False) | models.Q(contact__isnull=False),
                name="customers_activity_has_customer",
            )
        ]

    def __str__(self) -> str:
        return self.subject or self.get_kind_display()

    @property
    def shown_account(self) -> Any:
        """The account, when the viewer may see it (``account_visible`` annotated by the
        activity selectors)."""
        return self.account if getattr(self, "account_visible", False) else None

    @property
    def is_open_task(self) -> bool:
        return self.kind == ActivityKind.TASK and self.done_at is None
