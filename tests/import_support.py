"""A small importer for the import framework's own tests: each row names a customers.Tag.

It lets the runner, command and page tests run without the contact importer, and makes every
outcome easy to state exactly: an empty name is refused, a known name is updated or skipped
(``on_match``), "create" refuses a known name (tag names are unique), and a name set in
``crash_on`` raises once, as a bug or a lost database would, to test resuming.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from guanxi.core.errors import PermissionDeniedError
from guanxi.customers.models import Tag
from guanxi.customers.permissions import CustomerPermission
from guanxi.platform.imports import registry
from guanxi.platform.imports.registry import (
    ChangeRecord,
    ChunkContext,
    ChunkResult,
    ImportField,
    MappedRow,
    RowError,
)

KIND = "test-tags"


class TagImporter:
    kind = KIND
    label = "Tags"

    def __init__(self) -> None:
        self.crash_on: set[str] = set()
        self.chunks: list[list[int]] = []

    def fields(self, actor: Any) -> Sequence[ImportField]:
        return [
            ImportField("name", "Name", ("名称", "tag")),
            ImportField("note", "Note", ("备注",)),
        ]

    def check_permission(self, actor: Any) -> None:
        if not getattr(actor, "is_authenticated", False) or not actor.has_role_permission(
            CustomerPermission.ADD_CUSTOMERS
        ):
            raise PermissionDeniedError("You may not import tags.")

    def required_fields(self) -> Sequence[str]:
        return ("name",)

    def write_chunk(self, context: ChunkContext, rows: Sequence[tuple[int, MappedRow]]) -> Any:
        self.chunks.append([number for number, _row in rows])
        result = ChunkResult()
        names = {" ".join(row.get("name", [])) for _number, row in rows}
        known = {
            tag.name: tag for tag in Tag.objects.filter(org_id=context.actor.org_id, name__in=names)
        }
        for number, row in rows:
            name = " ".join(row.get("name", []))
            if name in self.crash_on:
                self.crash_on.discard(name)
                raise RuntimeError(f"crash at row {number}")
            if not name:
                result.errors.append(RowError(number, "name", "A name is needed."))
                continue
            if name in known:
                if context.on_match == "skip":
                    result.skipped += 1
                elif context.on_match == "create":
                    result.errors.append(RowError(number, "name", f"“{name}” exists already."))
                else:
                    result.updated += 1
                    result.changes.append(
                        ChangeRecord("customers.tag", known[name].pk, "updated", {"name": name})
                    )
                continue
            tag = Tag.objects.create(org_id=context.actor.org_id, name=name)
            known[name] = tag
            result.created += 1
            result.changes.append(ChangeRecord("customers.tag", tag.pk, "created"))
            if len(result.preview) < 20:
                result.preview.append({"Name": name, "Note": " ".join(row.get("note", []))})
        return result

    def undo(self, actor: Any, changes: Sequence[Any]) -> dict[str, int]:
        created = [c.target_id for c in changes if c.action == "created"]
        removed, _ = Tag.objects.filter(pk__in=created).delete()
        return {"removed": removed, "restored": sum(1 for c in changes if c.action == "updated")}


@pytest.fixture
def tag_importer(monkeypatch: Any) -> TagImporter:
    importer = TagImporter()
    monkeypatch.setitem(registry._IMPORTERS, KIND, importer)
    return importer


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files go to a fresh data directory, so a test sees exactly what it stored."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def write_csv(path: Path, header: str, names: Sequence[str]) -> Path:
    path.write_text(header + "\n" + "".join(f"{name}\n" for name in names), encoding="utf-8")
    return path


def stored_files(data_dir: Path) -> list[str]:
    folder = data_dir / "imports"
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
