"""What one chunk of any customer import does, whatever the kind: clean, match, decide per row,
then write everything in bulk.

Rows are decided in file order against an in-memory picture of the chunk (new records being
built, existing ones being changed), so a customer who appears twice in a file becomes one record:
the later row merges into the earlier one whatever ``on_match`` says (``on_match`` is about
records that were there before the import). Rows of earlier chunks of the same batch are already
written; a match on a record the batch created is merged the same way. A kind (contacts,
accounts) says how to clean, match, load, change and write its records (:class:`CustomerChunk`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from guanxi.customers.custom_fields import custom_fields_of
from guanxi.customers.importing.cells import CleanedRow, RowRefused
from guanxi.customers.importing.matching import Key
from guanxi.customers.models import Tag
from guanxi.customers.permissions import CustomerPermission
from guanxi.platform.imports.registry import (
    ChunkContext,
    ChunkResult,
    ImportField,
    MappedRow,
    RowError,
)
from guanxi.platform.models import ImportBatch, ImportChange, User
from guanxi.platform.records import require_permission
from guanxi.platform.visibility import can_manage

PREVIEW_ROWS = 20


@dataclass
class Target:
    """A record the chunk writes: a new one (``draft`` None) or an existing one, whose draft has
    the record (``draft.record``) and its values as loaded."""

    state: dict[str, Any]
    draft: Any = None
    identifiers: dict[str, int] = field(default_factory=dict)  # custom key → field id
    touched: bool = False

    @property
    def is_new(self) -> bool:
        return self.draft is None


class Refused(Exception):
    def __init__(self, field_key: str, message: str):
        super().__init__(message)
        self.field_key, self.message = field_key, message


def _read_only(field_key: str) -> Refused:
    message = _("This customer is shared with you read-only; ask its owner for write access.")
    return Refused(field_key, message)


def taken(field_key: str, key: Key) -> Refused:
    return Refused(
        field_key,
        _("Another customer already has “%(value)s”.") % {"value": str(key[-1])[:64]},
    )


class CustomerChunk:
    entity = ""  # "contact" or "account": whose custom fields
    target_type = ""  # "customers.contact": what ImportChange rows name
    unique_kinds: tuple[str, ...] = ("identifier",)

    def __init__(self, context: ChunkContext):
        self.context = context
        self.actor = context.actor
        definitions = custom_fields_of(self.actor.org_id, self.entity)
        self.custom_keys = {d.pk: d.key for d in definitions}
        self.cleaner = self.cleaner_class({d.key: d for d in definitions})
        self.result = ChunkResult()
        self.columns = _columns_by_field(_mapping_of(context))
        self.index: dict[Key, Target] = {}
        self.by_pk: dict[int, Target] = {}
        self.new: list[Target] = []
        self.can_change = self.actor.has_role_permission(CustomerPermission.CHANGE_CUSTOMERS)

    # -- what a kind provides ----------------------------------------------------------------

    cleaner_class: type[Any]  # its ``clean(number, cells)`` gives a CleanedRow or refuses
    # The matching keys of a cleaned row, in the order they are tried.
    keys_of: staticmethod[[Any], list[Key]]
    # Drafts of existing records by pk: ``record``, ``state``, ``identifiers``, ``pk``.
    load: staticmethod[[set[int]], dict[int, Any]]
    # Which of these records the user may change.
    editable: staticmethod[[Any, set[int]], set[int]]

    def look_up(self, rows: list[Any]) -> dict[Key, int | None]:
        """Key → the visible record holding it, ``None`` for a unique key held by a hidden one."""
        raise NotImplementedError

    def new_target(self, owner_id: int) -> Target:
        raise NotImplementedError

    def existing_target(self, draft: Any) -> Target:
        raise NotImplementedError

    def apply(self, target: Target, row: Any, owner: User | None) -> None:
        raise NotImplementedError

    def write(self) -> None:
        raise NotImplementedError

    def import_fields(self) -> Sequence[ImportField]:
        raise NotImplementedError

    def preview_extra(self, row: Any, labels: dict[str, str]) -> dict[str, str]:
        return {}

    # -- reporting ---------------------------------------------------------------------------

    def refuse(self, number: int, field_key: str, message: str, index: int = 0) -> None:
        headers = self.columns.get(field_key) or []
        column = headers[min(index, len(headers) - 1)] if headers else field_key
        self.result.errors.append(RowError(number, column, str(message)))

    # -- the chunk ---------------------------------------------------------------------------

    def run(self, rows: Sequence[tuple[int, dict[str, list[str]]]]) -> ChunkResult:
        cleaned: list[Any] = []
        for number, cells in rows:
            try:
                cleaned.append(self.cleaner.clean(number, cells))
            except RowRefused as refusal:
                self.refuse(number, refusal.field_key, refusal.message, refusal.index)
        self.owners = self._owners(cleaned)
        self.found = self.look_up(cleaned)
        matched = {pk for pk in self.found.values() if pk is not None}
        self.drafts = self.load(matched)
        self.editable_pks = self.editable(self.actor, matched) if self.can_change else set()
        self.batch_created = self._created_by_batch(matched)
        outcomes: list[tuple[CleanedRow, str]] = []
        for row in cleaned:
            try:
                outcome = self._decide(row)
            except Refused as refusal:
                self.refuse(row.number, refusal.field_key, refusal.message)
                continue
            setattr(self.result, outcome, getattr(self.result, outcome) + 1)
            outcomes.append((row, outcome))
        self._preview(outcomes)
        if not self.context.dry_run:
            self.write()
        return self.result

    def _owners(self, rows: list[CleanedRow]) -> dict[str, User]:
        names = sorted({row.owner_name for row in rows if row.owner_name})
        if not names:
            return {}
        users = User.objects.filter(org_id=self.actor.org_id, username__in=names, is_active=True)
        return {user.username: user for user in users}

    def _created_by_batch(self, ids: set[int]) -> set[int]:
        if not ids or self.context.batch_id is None:
            return set()
        rows = ImportChange.objects.filter(
            batch_id=self.context.batch_id,
            target_type=self.target_type,
            action="created",
            target_id__in=ids,
        )
        return set(rows.values_list("target_id", flat=True))

    # -- deciding one row --------------------------------------------------------------------

    def _holder(self, key: Key) -> Target | int | None:
        """The in-file target or database record holding ``key``; raises for a hidden one."""
        if key in self.index:
            return self.index[key]
        if key not in self.found:
            return None
        pk = self.found[key]
        if pk is None:
            # Unique in the organisation, so it cannot be created again either; never named.
            raise Refused(
                self.field_of(key),
                _("“%(value)s” belongs to a customer you cannot see.")
                % {"value": str(key[-1])[:64]},
            )
        return pk

    def field_of(self, key: Key) -> str:
        if key[0] == "identifier":
            return f"custom.{self.custom_keys[key[1]]}"
        return str(key[0])

    def _existing(self, pk: int) -> Target:
        if pk not in self.by_pk:
            self.by_pk[pk] = self.existing_target(self.drafts[pk])
        return self.by_pk[pk]

    def _decide(self, row: CleanedRow) -> str:
        keys = self.keys_of(row)
        holders = [(key, self._holder(key)) for key in keys]
        found = next(((key, h) for key, h in holders if h is not None), None)
        owner = self._owner_of(row)
        if found is None:
            return self._create(row, keys, owner)
        key, holder = found
        if isinstance(holder, Target):
            target = holder
        else:
            target = self._existing(holder)
            if target.draft.record.deleted_at is not None:
                raise Refused(self.field_of(key), _("This customer is deleted; restore it first."))
            if holder not in self.batch_created and not target.touched:
                if self.context.on_match == "skip":
                    return "skipped"
                if self.context.on_match == "create":
                    if key[0] in self.unique_kinds:
                        raise taken(self.field_of(key), key)
                    return self._create(row, keys, owner)
            if holder not in self.editable_pks:
                raise _read_only(self.field_of(key))
        self._check_unique(target, holders)
        return self._merge(target, row, keys, owner)

    def _owner_of(self, row: CleanedRow) -> User | None:
        if not row.owner_name:
            return None
        owner = self.owners.get(row.owner_name)
        if owner is None:
            raise Refused(
                "owner",
                _("No active user “%(value)s” in your organisation.")
                % {"value": row.owner_name[:40]},
            )
        return owner

    def _check_unique(self, target: Target, holders: list[tuple[Key, Target | int | None]]) -> None:
        for key, holder in holders:
            if key[0] not in self.unique_kinds or holder is None:
                continue
            same = holder is target or (
                target.draft is not None and isinstance(holder, int) and holder == target.draft.pk
            )
            if not same:
                raise taken(self.field_of(key), key)

    def _create(self, row: CleanedRow, keys: list[Key], owner: User | None) -> str:
        target = self.new_target((owner or self.actor).pk)
        self.new.append(target)
        self.apply(target, row, owner)
        self._remember(target, keys)
        return "created"

    def _merge(self, target: Target, row: CleanedRow, keys: list[Key], owner: User | None) -> str:
        if (
            owner is not None
            and target.draft is not None
            and owner.pk != target.state["owner"]
            and not can_manage(self.actor, target.draft.record)
        ):
            raise Refused(
                "owner",
                _("Only the owner, their manager or an administrator can change the owner."),
            )
        before = copied(target.state)
        self.apply(target, row, owner)
        self._remember(target, keys)
        target.touched = True
        return "updated" if target.state != before else "skipped"

    def apply_shared(self, target: Target, row: CleanedRow, owner: User | None) -> None:
        """What every kind overwrites or adds alike: name, columns, tags, custom values, owner."""
        state = target.state
        if row.name:
            state["name"] = row.name
        state.update(row.fields)
        if row.tags:
            state["tags"] = sorted(set(state["tags"]) | set(row.tags))
        for key, value in row.custom.items():
            state[f"custom.{key}"] = value
        for field_id in row.identifiers:
            target.identifiers[self.custom_keys[field_id]] = field_id
        if owner is not None:
            state["owner"] = owner.pk

    def _remember(self, target: Target, keys: list[Key]) -> None:
        for key in keys:
            self.index.setdefault(key, target)

    # -- writing -----------------------------------------------------------------------------

    def tags(self, names: set[str]) -> dict[str, int]:
        if not names:
            return {}
        org_id = self.actor.org_id
        existing = dict(Tag.objects.filter(org_id=org_id, name__in=names).values_list("name", "pk"))
        missing = sorted(names - set(existing))
        if missing:
            Tag.objects.bulk_create(
                [Tag(org_id=org_id, name=name) for name in missing], ignore_conflicts=True
            )
            existing.update(
                Tag.objects.filter(org_id=org_id, name__in=missing).values_list("name", "pk")
            )
        return existing

    def user(self, pk: int) -> User:
        if pk == self.actor.pk:
            return self.actor
        return next(user for user in self.owners.values() if user.pk == pk)

    # -- preview -----------------------------------------------------------------------------

    def _preview(self, outcomes: list[tuple[CleanedRow, str]]) -> None:
        labels = {f.key: str(f.label) for f in self.import_fields()}
        words = {"created": _("created"), "updated": _("updated"), "skipped": _("skipped")}
        for row, outcome in outcomes[:PREVIEW_ROWS]:
            shown = {labels["name"]: row.name}
            shown.update(self.preview_extra(row, labels))
            for name, value in row.fields.items():
                shown[labels.get(name, name)] = str(value)
            for key, value in row.custom.items():
                shown[labels.get(f"custom.{key}", key)] = str(value)
            shown[_("Action")] = str(words[outcome])
            self.result.preview.append(shown)


class CustomerImporter:
    """What the contact and account importers share: who may import, and the chunk that runs."""

    chunk_class: type[CustomerChunk]
    fields_of: staticmethod[[Any], Sequence[ImportField]]
    required: tuple[str, ...]  # at least one of these field keys must be mapped
    undo_changes: staticmethod[[Any, Sequence[Any]], dict[str, int]]

    def fields(self, actor: Any) -> Sequence[ImportField]:
        return self.fields_of(actor)

    def required_fields(self) -> Sequence[str]:
        return self.required

    def undo(self, actor: Any, changes: Sequence[Any]) -> dict[str, int]:
        """Remove what was created, restore what was updated; returns counts per outcome."""
        return self.undo_changes(actor, changes)

    def check_permission(self, actor: Any) -> None:
        require_permission(actor, CustomerPermission.ADD_CUSTOMERS)

    def write_chunk(
        self, context: ChunkContext, rows: Sequence[tuple[int, MappedRow]]
    ) -> ChunkResult:
        self.check_permission(context.actor)
        return self.chunk_class(context).run(rows)


def custom_of(state: dict[str, Any]) -> dict[str, Any]:
    """The ``custom.<key>`` values of a state as the record's ``custom`` JSON."""
    return {
        key.removeprefix("custom."): value
        for key, value in state.items()
        if key.startswith("custom.")
    }


def copied(state: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in state.items()}


def _mapping_of(context: ChunkContext) -> Any:
    if "mapping" in context.options or context.batch_id is None:
        return context.options.get("mapping")
    batch = ImportBatch.objects.filter(pk=context.batch_id).values_list("mapping", flat=True)
    return batch.first()


def _columns_by_field(mapping: Any) -> dict[str, list[str]]:
    """``{field key: [column header, ...]}`` from the batch's mapping, so that a refusal names
    the column as the sheet calls it (the field key when the runner gives no mapping)."""
    columns: dict[str, list[str]] = {}
    if isinstance(mapping, dict):
        for header, key in mapping.items():
            if key:
                columns.setdefault(str(key), []).append(str(header))
    return columns
