"""Duplicate candidates found by a scan, the decisions people took on them, and merges.

A pair is stored once with ``first_id < second_id``. A scan replaces the *open* pairs of its
entity and leaves the decided ones: "not a duplicate" is remembered, and a merged pair stays as
history. A :class:`MergeRecord` keeps what undo needs: the merged-away record's values and which
rows of which module moved to the survivor.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class DuplicateDecision(models.TextChoices):
    CERTAIN = "certain", _("Certain")
    REVIEW = "review", _("To review")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Not a duplicate")
    MERGED = "merged", _("Merged")


class DuplicatePair(OrganizationScopedModel):
    entity = models.CharField(max_length=10)  # "contact" or "account"
    first_id = models.BigIntegerField()
    second_id = models.BigIntegerField()
    score = models.FloatField(_("score"))
    decision = models.CharField(_("decision"), max_length=10, choices=DuplicateDecision.choices)
    explanation = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "entity", "first_id", "second_id"],
                name="customers_duplicatepair_unique_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(first_id__lt=models.F("second_id")),
                name="customers_duplicatepair_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["org", "entity", "status", "-score"], name="customers_duplicate_queue_idx"
            )
        ]


class MergeRecord(OrganizationScopedModel):
    """``source`` was merged into ``target``; enough is kept to undo it."""

    entity = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    target_id = models.BigIntegerField()
    source_id = models.BigIntegerField()
    source_label = models.CharField(max_length=200, blank=True)
    # The source record's own values (fields, phones, e-mails, tags, custom values).
    source_snapshot = models.JSONField(default=dict)
    # The survivor's values before the merge chose values for it.
    target_before = models.JSONField(default=dict)
    # {"commerce.order": [pk, ...], ...}: rows that moved from the source to the target.
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["org", "entity", "target_id"], name="customers_merge_target_idx")
        ]
