"""One chunk of an account import (see :mod:`guanxi.customers.importing.chunking` for how a chunk
decides its rows): accounts matched by identifier value, else by exact name, among those the
importing user may see; new ones written in bulk, changed ones through ``account_update``.

Updating goes through the service, one account at a time (an import mostly creates companies;
the service checks, version-bumps and audits each change as the form does). An account's values
are held in the same comparable form as a contact draft's (``state``: columns by field name,
``owner`` as a key, ``tags`` sorted, ``custom.<key>``), so undo restores them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from guanxi.customers import selectors
from guanxi.customers.importing.account_rows import (
    AccountCleaner,
    account_import_fields,
    account_keys,
)
from guanxi.customers.importing.chunking import CustomerChunk, Target, custom_of
from guanxi.customers.importing.drafts import finish_drafts, state_changes
from guanxi.customers.importing.matching import Key, identifier_holders
from guanxi.customers.models import Account
from guanxi.customers.services.accounts import account_update
from guanxi.customers.services.imported import ACCOUNT_TEXTS, NewAccount, accounts_insert
from guanxi.platform.imports.registry import ChangeRecord, ImportField
from guanxi.platform.models import User

ACCOUNT = "customers.account"


@dataclass
class AccountDraft:
    record: Account
    state: dict[str, Any]
    identifiers: dict[str, int] = field(default_factory=dict)  # custom key → field id
    original: dict[str, Any] = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return int(self.record.pk)


def empty_account_state(owner_id: int) -> dict[str, Any]:
    state: dict[str, Any] = dict.fromkeys(ACCOUNT_TEXTS, "")
    state.update(name="", owner=owner_id, tags=[])
    return state


def load_account_drafts(ids: Iterable[int]) -> dict[int, AccountDraft]:
    """The accounts (locked) with their tags and identifier rows: three queries."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    drafts: dict[int, AccountDraft] = {}
    for account in Account.objects.select_for_update().filter(pk__in=wanted):
        state = empty_account_state(account.owner_id)
        state.update((name, getattr(account, name)) for name in (*ACCOUNT_TEXTS, "name"))
        state.update((f"custom.{key}", value) for key, value in (account.custom or {}).items())
        drafts[account.pk] = AccountDraft(account, state)
    return finish_drafts(drafts, Account.tags.through, "account_id")


def save_account_draft(
    actor: Any, draft: AccountDraft, users: Mapping[int, User]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Write what changed in the draft through ``account_update`` (checked, version-bumped,
    audited); returns ``(before, after)`` of the changed values, ``None`` when nothing changed.
    ``users`` holds the owner the state names when it changes."""
    before, after = state_changes(draft.original, draft.state)
    if not after and not before:
        return None
    fields: dict[str, Any] = {
        name: after[name] or "" for name in ("name", *ACCOUNT_TEXTS) if name in after
    }
    if "owner" in after:
        fields["owner"] = users[after["owner"]]
    custom = {key.removeprefix("custom."): after[key] for key in after if key.startswith("custom.")}
    account_update(
        actor=actor,
        account=draft.record,
        version=draft.record.version,
        tags=list(draft.state["tags"]) if "tags" in after else None,
        custom=custom or None,
        **fields,
    )
    return before, after


class AccountChunk(CustomerChunk):
    entity = "account"
    target_type = ACCOUNT

    cleaner_class = AccountCleaner
    keys_of = staticmethod(account_keys)
    load = staticmethod(load_account_drafts)
    editable = staticmethod(selectors.editable_account_ids)

    def look_up(self, rows: list[Any]) -> dict[Key, int | None]:
        found = identifier_holders(self.actor, rows, selectors.account_ids_by_identifier)
        held = selectors.account_ids_by_name(self.actor, sorted({row.name for row in rows}))
        found.update((("name", name), pk) for name, pk in held.items())
        return found

    def new_target(self, owner_id: int) -> Target:
        return Target(state=empty_account_state(owner_id))

    def existing_target(self, draft: Any) -> Target:
        return Target(state=draft.state, draft=draft, identifiers=draft.identifiers)

    def apply(self, target: Target, row: Any, owner: User | None) -> None:
        """Fill and overwrite what the row gives; tags are added to."""
        self.apply_shared(target, row, owner)

    def import_fields(self) -> Sequence[ImportField]:
        return account_import_fields(self.actor)

    def write(self) -> None:
        touched = [t for t in self.by_pk.values() if t.touched]
        tag_ids = self.tags({tag for t in self.new for tag in t.state["tags"]})
        ids = accounts_insert(
            actor=self.actor, accounts=[self._new_account(t, tag_ids) for t in self.new]
        )
        self.result.changes.extend(ChangeRecord(ACCOUNT, pk, "created") for pk in ids)
        users = {user.pk: user for user in self.owners.values()}
        for target in touched:
            saved = save_account_draft(self.actor, target.draft, users)
            if saved is not None:
                before, after = saved
                self.result.changes.append(
                    ChangeRecord(ACCOUNT, target.draft.pk, "updated", before, after)
                )

    def _new_account(self, target: Target, tag_ids: dict[str, int]) -> NewAccount:
        state = target.state
        fields: dict[str, Any] = {name: state[name] for name in ACCOUNT_TEXTS if state[name]}
        custom = custom_of(state)
        if custom:
            fields["custom"] = custom
        return NewAccount(
            name=state["name"],
            fields=fields,
            tag_ids=[tag_ids[name] for name in state["tags"]],
            identifiers=[
                (field_id, str(custom[key])) for key, field_id in target.identifiers.items()
            ],
            owner=self.user(state["owner"]),
        )
