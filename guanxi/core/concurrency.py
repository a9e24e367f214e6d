"""Concurrency-safe updates: lock the row, refuse a stale version, change only what changed.

Every domain's update services use these, so "two people editing the same record do not silently
overwrite each other" is one mechanism, not one per domain.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from guanxi.core.errors import StaleVersionError


def lock_for_update(model: type[models.Model], record: Any) -> Any:
    """Re-read the row under a write lock so that two edits queue instead of overwriting."""
    return model._default_manager.select_for_update().get(pk=record.pk)


def check_version(record: Any, expected: int | None) -> None:
    """Refuse a stale edit: the caller must say which version it edited."""
    if expected is not None and expected != record.version:
        raise StaleVersionError(
            _(
                "Someone else changed this record (now version %(current)s, you edited version "
                "%(expected)s). Reload it and apply your change again."
            )
            % {"current": record.version, "expected": expected},
            current_version=record.version,
        )


def apply_changes(record: Any, changes: dict[str, Any]) -> list[str]:
    """Set the given attributes; returns the names of the fields that really changed."""
    changed = []
    for name, value in changes.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed
