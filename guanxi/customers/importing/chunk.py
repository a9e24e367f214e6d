"""One chunk of a contact import: clean, match, decide per row, then write everything in bulk.

Rows are decided in file order against an in-memory picture of the chunk (new contacts being
built, existing ones being changed), so a person who appears twice in a file becomes one contact:
the later row merges into the earlier one whatever ``on_match`` says (``on_match`` is about
records that were there before the import). Rows of earlier chunks of the same batch are already
written; a match on a contact the batch created is merged the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from guanxi.customers import selectors
from guanxi.customers.custom_fields import custom_fields_of
from guanxi.customers.importing.cells import ContactRow, RowCleaner, RowRefused
from guanxi.customers.importing.drafts import Draft, load_drafts, save_drafts
from guanxi.customers.importing.fields import contact_import_fields
from guanxi.customers.importing.matching import UNIQUE_KINDS, Holders, Key, row_keys
from guanxi.customers.models import Tag
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.services.contacts import MAX_EMAILS, MAX_PHONES
from guanxi.customers.services.imported import NewContact, accounts_insert, contacts_insert
from guanxi.platform.imports.registry import ChangeRecord, ChunkContext, ChunkResult, RowError
from guanxi.platform.models import ImportBatch, ImportChange, User
from guanxi.platform.visibility import can_manage

CONTACT = "customers.contact"
ACCOUNT = "customers.account"
PREVIEW_ROWS = 20
COLUMNS_OF_STATE = (
    "title",
    "account_role",
    "wechat_id",
    "gender",
    "source",
    "external_id",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "description",
)


def empty_state(owner_id: int) -> dict[str, Any]:
    state: dict[str, Any] = dict.fromkeys(COLUMNS_OF_STATE, "")
    state.update(name="", account=None, owner=owner_id, birthday=None, phones=[], emails=[])
    state["tags"] = []
    return state


@dataclass
class Target:
    """A contact the chunk writes: a new one (``draft`` None) or an existing one."""

    state: dict[str, Any]
    draft: Draft | None = None
    kinds: dict[str, str] = field(default_factory=dict)
    identifiers: dict[str, int] = field(default_factory=dict)  # custom key → field id
    account_name: str = ""
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


def _taken(field_key: str, key: Key) -> Refused:
    return Refused(
        field_key,
        _("Another customer already has “%(value)s”.") % {"value": str(key[-1])[:64]},
    )


class ContactChunk:
    def __init__(self, context: ChunkContext):
        self.context = context
        self.actor = context.actor
        definitions = custom_fields_of(self.actor.org_id, "contact")
        self.custom_keys = {d.pk: d.key for d in definitions}
        self.custom_labels = {d.pk: d.label for d in definitions}
        self.cleaner = RowCleaner({d.key: d for d in definitions})
        self.result = ChunkResult()
        self.columns = _columns_by_field(_mapping_of(context))
        self.index: dict[Key, Target] = {}
        self.by_pk: dict[int, Target] = {}
        self.new: list[Target] = []
        self.can_change = self.actor.has_role_permission(CustomerPermission.CHANGE_CUSTOMERS)

    # -- reporting ---------------------------------------------------------------------------

    def refuse(self, number: int, field_key: str, message: str, index: int = 0) -> None:
        headers = self.columns.get(field_key) or []
        column = headers[min(index, len(headers) - 1)] if headers else field_key
        self.result.errors.append(RowError(number, column, str(message)))

    # -- the chunk ---------------------------------------------------------------------------

    def run(self, rows: Sequence[tuple[int, dict[str, list[str]]]]) -> ChunkResult:
        cleaned: list[ContactRow] = []
        for number, cells in rows:
            try:
                cleaned.append(self.cleaner.clean(number, cells))
            except RowRefused as refusal:
                self.refuse(number, refusal.field_key, refusal.message, refusal.index)
        self.owners = self._owners(cleaned)
        self.holders = Holders.look_up(self.actor, cleaned)
        matched = self.holders.contact_ids()
        self.drafts = load_drafts(matched)
        self.editable = (
            selectors.editable_contact_ids(self.actor, matched) if self.can_change else set()
        )
        self.batch_created = self._created_by_batch(matched)
        outcomes: list[tuple[ContactRow, str]] = []
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
            self._write()
        return self.result

    def _owners(self, rows: list[ContactRow]) -> dict[str, User]:
        names = sorted({row.owner_name for row in rows if row.owner_name})
        if not names:
            return {}
        users = User.objects.filter(org_id=self.actor.org_id, username__in=names, is_active=True)
        return {user.username: user for user in users}

    def _created_by_batch(self, ids: set[int]) -> set[int]:
        if not ids or self.context.batch_id is None:
            return set()
        rows = ImportChange.objects.filter(
            batch_id=self.context.batch_id, target_type=CONTACT, action="created", target_id__in=ids
        )
        return set(rows.values_list("target_id", flat=True))

    # -- deciding one row --------------------------------------------------------------------

    def _holder(self, key: Key) -> Target | int | None:
        """The in-file target or database contact holding ``key``; raises for a hidden one."""
        if key in self.index:
            return self.index[key]
        if key not in self.holders.found:
            return None
        pk = self.holders.found[key]
        if pk is None:
            # Unique in the organisation, so it cannot be created again either; never named.
            raise Refused(
                self._field(key),
                _("“%(value)s” belongs to a customer you cannot see.")
                % {"value": str(key[-1])[:64]},
            )
        return pk

    def _field(self, key: Key) -> str:
        if key[0] == "identifier":
            return f"custom.{self.custom_keys[key[1]]}"
        return str(key[0])

    def _existing(self, pk: int) -> Target:
        if pk not in self.by_pk:
            draft = self.drafts[pk]
            self.by_pk[pk] = Target(
                state=draft.state, draft=draft, kinds=draft.kinds, identifiers=draft.identifiers
            )
        return self.by_pk[pk]

    def _decide(self, row: ContactRow) -> str:
        keys = row_keys(row)
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
            assert target.draft is not None
            if target.draft.contact.deleted_at is not None:
                raise Refused(self._field(key), _("This customer is deleted; restore it first."))
            if holder not in self.batch_created and not target.touched:
                if self.context.on_match == "skip":
                    return "skipped"
                if self.context.on_match == "create":
                    if key[0] in UNIQUE_KINDS:
                        raise _taken(self._field(key), key)
                    return self._create(row, keys, owner)
            if holder not in self.editable:
                raise _read_only(self._field(key))
        self._check_unique(target, holders)
        return self._merge(target, row, keys, owner)

    def _owner_of(self, row: ContactRow) -> User | None:
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
            if key[0] not in UNIQUE_KINDS or holder is None:
                continue
            same = holder is target or (
                target.draft is not None and isinstance(holder, int) and holder == target.draft.pk
            )
            if not same:
                raise _taken(self._field(key), key)

    def _create(self, row: ContactRow, keys: list[Key], owner: User | None) -> str:
        target = Target(state=empty_state((owner or self.actor).pk))
        self.new.append(target)
        self._apply(target, row, owner)
        self._remember(target, keys)
        return "created"

    def _merge(self, target: Target, row: ContactRow, keys: list[Key], owner: User | None) -> str:
        if (
            owner is not None
            and target.draft is not None
            and owner.pk != target.state["owner"]
            and not can_manage(self.actor, target.draft.contact)
        ):
            raise Refused(
                "owner",
                _("Only the owner, their manager or an administrator can change the owner."),
            )
        before = _copied(target.state)
        self._apply(target, row, owner)
        self._remember(target, keys)
        target.touched = True
        return "updated" if target.state != before else "skipped"

    def _apply(self, target: Target, row: ContactRow, owner: User | None) -> None:
        """Fill and overwrite what the row gives; phones, e-mails and tags are added to."""
        state = target.state
        phones = state["phones"] + [n for n, _k in row.phones if n not in state["phones"]]
        emails = state["emails"] + [e for e in row.emails if e not in state["emails"]]
        if len(phones) > MAX_PHONES:
            raise Refused("phone", _("At most %(count)s phone numbers.") % {"count": MAX_PHONES})
        if len(emails) > MAX_EMAILS:
            raise Refused("email", _("At most %(count)s e-mail addresses.") % {"count": MAX_EMAILS})
        if row.name:
            state["name"] = row.name
        for name, value in row.fields.items():
            state[name] = value.isoformat() if name == "birthday" else value
        state["phones"], state["emails"] = phones, emails
        target.kinds.update((n, kind) for n, kind in row.phones if n not in target.kinds)
        if row.tags:
            state["tags"] = sorted(set(state["tags"]) | set(row.tags))
        for key, value in row.custom.items():
            state[f"custom.{key}"] = value
        for field_id in row.identifiers:
            target.identifiers[self.custom_keys[field_id]] = field_id
        if row.account_name:
            target.account_name = row.account_name
        if owner is not None:
            state["owner"] = owner.pk

    def _remember(self, target: Target, keys: list[Key]) -> None:
        for key in keys:
            self.index.setdefault(key, target)

    # -- writing -----------------------------------------------------------------------------

    def _write(self) -> None:
        written = self.new + [t for t in self.by_pk.values() if t.touched]
        accounts = self._accounts({t.account_name for t in written if t.account_name})
        for target in written:
            if target.account_name:
                target.state["account"] = accounts[target.account_name]
        tag_ids = self._tags({tag for t in written for tag in t.state["tags"]})
        owner_teams = {user.pk: user.team_id for user in self.owners.values()}
        owner_teams[self.actor.pk] = self.actor.team_id
        ids = contacts_insert(
            actor=self.actor, contacts=[self._new_contact(t, tag_ids) for t in self.new]
        )
        self.result.changes.extend(ChangeRecord(CONTACT, pk, "created") for pk in ids)
        drafts = [t.draft for t in self.by_pk.values() if t.touched and t.draft is not None]
        for draft in save_drafts(self.actor, drafts, tag_ids=tag_ids, owner_teams=owner_teams):
            before, after = draft.changes()
            self.result.changes.append(ChangeRecord(CONTACT, draft.pk, "updated", before, after))

    def _accounts(self, names: set[str]) -> dict[str, int]:
        """Each company by exact name among the accounts the user may see, as the contact form
        links it; a company not found is created, owned by the importing user."""
        found = selectors.account_ids_by_name(self.actor, sorted(names))
        missing = sorted(names - set(found))
        for name, pk in zip(missing, accounts_insert(actor=self.actor, names=missing), strict=True):
            found[name] = pk
            self.result.changes.append(ChangeRecord(ACCOUNT, pk, "created"))
        return found

    def _tags(self, names: set[str]) -> dict[str, int]:
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

    def _new_contact(self, target: Target, tag_ids: dict[str, int]) -> NewContact:
        state = target.state
        fields: dict[str, Any] = {name: state[name] for name in COLUMNS_OF_STATE if state[name]}
        if state["birthday"]:
            fields["birthday"] = _date(state["birthday"])
        fields["account_id"] = state["account"]
        custom = {
            key.removeprefix("custom."): value
            for key, value in state.items()
            if key.startswith("custom.")
        }
        if custom:
            fields["custom"] = custom
        return NewContact(
            name=state["name"] or (state["emails"] or state["phones"] or [""])[0],
            fields=fields,
            phones=[(n, target.kinds[n]) for n in state["phones"]],
            emails=list(state["emails"]),
            tag_ids=[tag_ids[name] for name in state["tags"]],
            identifiers=[
                (field_id, str(custom[key])) for key, field_id in target.identifiers.items()
            ],
            owner=self._user(state["owner"]),
        )

    def _user(self, pk: int) -> User:
        if pk == self.actor.pk:
            return self.actor
        return next(user for user in self.owners.values() if user.pk == pk)

    # -- preview -----------------------------------------------------------------------------

    def _preview(self, outcomes: list[tuple[ContactRow, str]]) -> None:
        labels = {f.key: str(f.label) for f in contact_import_fields(self.actor)}
        words = {"created": _("created"), "updated": _("updated"), "skipped": _("skipped")}
        for row, outcome in outcomes[:PREVIEW_ROWS]:
            shown = {labels["name"]: row.name}
            if row.phones:
                shown[labels["phone"]] = " ".join(n for n, _k in row.phones)
            if row.emails:
                shown[labels["email"]] = " ".join(row.emails)
            for name, value in row.fields.items():
                shown[labels.get(name, name)] = str(value)
            if row.account_name:
                shown[labels["account"]] = row.account_name
            for key, value in row.custom.items():
                shown[labels.get(f"custom.{key}", key)] = str(value)
            shown[_("Action")] = str(words[outcome])
            self.result.preview.append(shown)


def _copied(state: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in state.items()}


def _date(text: str) -> Any:
    import datetime

    return datetime.date.fromisoformat(text)


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
