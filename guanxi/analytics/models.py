"""Analytics' own tables: one row per refresh (the snapshot dashboards and reports read), and the
follow-up tasks already created for churn warnings (so that a customer gets one per period)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class RefreshStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class RefreshStage(models.TextChoices):
    """Where a running refresh is, so that the analytics page can show its progress."""

    SUMMARY = "summary", _("Reading the order history")
    MODELS = "models", _("Fitting the models")
    WRITING = "writing", _("Writing the scores")
    FOLLOW_UPS = "follow-ups", _("Creating follow-up tasks")
    DONE = "done", _("Done")


class ScoreRefresh(OrganizationScopedModel):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    as_of = models.DateField(_("analysis date"))
    status = models.CharField(
        _("status"), max_length=10, choices=RefreshStatus.choices, default=RefreshStatus.RUNNING
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=RefreshStage.choices, blank=True, default=""
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    customers = models.PositiveIntegerField(default=0)
    buyers = models.PositiveIntegerField(default=0)
    settings = models.JSONField(default=dict)
    bgnbd = models.JSONField(null=True)
    gamma_gamma = models.JSONField(null=True)
    thresholds = models.JSONField(default=dict)
    segments = models.JSONField(default=dict)
    value_matrix = models.JSONField(default=dict)
    grid = models.JSONField(default=dict)
    grid_movement = models.JSONField(default=dict)
    churn = models.JSONField(default=dict)
    messages = models.JSONField(default=list)
    error = models.TextField(blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("score refresh")
        verbose_name_plural = _("score refreshes")
        indexes = [models.Index(fields=["org", "status", "-id"], name="analytics_refresh_idx")]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.status})"


class ChurnFollowUp(models.Model):
    org = models.ForeignKey("platform.Organization", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("customers.Contact", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7, help_text="YYYY-MM of the analysis date")
    task = models.ForeignKey(
        "customers.Activity", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "period"], name="analytics_followup_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.period}"
