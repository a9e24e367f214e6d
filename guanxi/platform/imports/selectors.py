"""Reads for the import pages: what a user may import, and which batches they may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from guanxi.core.errors import PermissionDeniedError
from guanxi.platform.imports.registry import Importer, registered_importers
from guanxi.platform.models import ImportBatch, MappingTemplate


def importers_for(user: Any) -> list[Importer]:
    """The registered kinds this user may import, in registration order."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    allowed = []
    for importer in registered_importers():
        try:
            importer.check_permission(user)
        except PermissionDeniedError:
            continue
        allowed.append(importer)
    return allowed


def batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    """Administrators see every import of their organisation; others see their own."""
    batches = ImportBatch.objects.filter(org_id=user.org_id).select_related("actor")
    if not user.is_administrator:
        batches = batches.filter(actor=user)
    return batches.order_by("-created_at", "-id")


def mapping_templates(user: Any, kind: str) -> QuerySet[MappingTemplate]:
    return MappingTemplate.objects.filter(org_id=user.org_id, kind=kind).order_by("name")
