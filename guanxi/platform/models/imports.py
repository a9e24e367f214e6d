"""Import batches: what was read, how far it got, and every record it wrote (for undo).

A batch is the unit a user sees ("the sheet I imported on Monday"): it runs in chunks, each chunk
one transaction that also moves ``rows_done``, so a crash or a cancel leaves whole chunks only and a
resumed run starts after the last committed row. ``ImportChange`` keeps, per record written, whether
the batch created it or the values it had before, which is what undo needs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class OnMatch(models.TextChoices):
    CREATE = "create", _("Create a new record anyway")
    UPDATE = "update", _("Update the record found")
    SKIP = "skip", _("Skip the row")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    UNDONE = "undone", _("Undone")


class ImportBatch(OrganizationScopedModel):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("what"), max_length=30)
    file_name = models.CharField(_("file"), max_length=200)
    # The uploaded file kept in the data directory while the batch may still run or resume.
    stored_file = models.CharField(max_length=300, blank=True)
    file_digest = models.CharField(max_length=64, blank=True, db_index=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)
    on_match = models.CharField(
        _("when a record exists"), max_length=10, choices=OnMatch.choices, default=OnMatch.UPDATE
    )
    options = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    cancel_requested = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    # The spreadsheet row number (header = 1) of the last row in a committed chunk: resume point.
    last_row = models.PositiveIntegerField(default=1)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    seconds = models.FloatField(default=0.0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            models.Index(fields=["org", "kind", "-created_at"], name="platform_import_recent_idx")
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def rows_per_second(self) -> float:
        return self.rows_done / self.seconds if self.seconds else 0.0


class ChangeAction(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")


class ImportChange(models.Model):
    """One record a batch wrote. ``before`` holds the changed fields' earlier values (updates)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["batch", "target_type"], name="platform_importchange_idx"),
            models.Index(fields=["target_type", "target_id"], name="platform_importchange_rec_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type} {self.target_id}"


class MappingTemplate(OrganizationScopedModel):
    """A saved column mapping ("our POS export"), reused by name from the UI or ``--mapping``."""

    kind = models.CharField(max_length=30)
    name = models.CharField(_("name"), max_length=80)
    mapping = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("mapping template")
        verbose_name_plural = _("mapping templates")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind", "name"], name="platform_mappingtemplate_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
