from __future__ import annotations

from django.db import models


class ScheduledRun(models.Model):
    """One daily job started on one day; the unique key lets only one worker start it."""

    job = models.CharField(max_length=80)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="platform_scheduledrun_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
