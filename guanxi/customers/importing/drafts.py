"""Existing contacts as an import (or its undo) changes them: load, change in memory, save in bulk.

A :class:`Draft` holds a contact's values in one comparable, JSON-ready form (``state``): the
columns by their field names (``account`` and ``owner`` as keys, ``birthday`` as an ISO date),
``phones`` and ``emails`` as lists, ``tags`` sorted and each custom value as ``custom.<key>``.
What an import writes to ``ImportChange`` is the difference of two such states, and undo compares
and restores the same form, so the two can never disagree about what a value is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from guanxi.core.bulk import insert_rows, update_rows
from guanxi.customers import search
from guanxi.customers.choices import EmailKind
from guanxi.customers.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactSearchToken,
    CustomIdentifier,
    Tag,
)
from guanxi.customers.names import name_pinyin, sort_key
from guanxi.customers.phones import inferred_kind
from guanxi.platform.services.audit import audit_bulk, audit_event, diff

COLUMNS = (
    "name",
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
SEARCHED = {"name", "phones", "emails"}


@dataclass
class Draft:
    contact: Contact
    state: dict[str, Any]
    kinds: dict[str, str] = field(default_factory=dict)  # phone number → kind
    identifiers: dict[str, int] = field(default_factory=dict)  # custom key → field id
    original: dict[str, Any] = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return int(self.contact.pk)

    @property
    def record(self) -> Contact:
        return self.contact

    def changes(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return state_changes(self.original, self.state)


def state_changes(
    original: dict[str, Any], state: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(before, after)`` of the values that differ from what was loaded: what an import writes
    to ``ImportChange`` for an updated record (contact or account)."""
    changed = diff(original, state)
    changed.update(
        (key, {"before": value, "after": None})
        for key, value in original.items()
        if key not in state and value is not None
    )
    return (
        {key: change["before"] for key, change in changed.items()},
        {key: change["after"] for key, change in changed.items()},
    )


def _base_state(contact: Contact) -> dict[str, Any]:
    state: dict[str, Any] = {name: getattr(contact, name) for name in COLUMNS}
    state["account"] = contact.account_id
    state["owner"] = contact.owner_id
    state["birthday"] = contact.birthday.isoformat() if contact.birthday else None
    state["phones"] = []
    state["emails"] = []
    state["tags"] = []
    for key, value in (contact.custom or {}).items():
        state[f"custom.{key}"] = value
    return state


def load_drafts(ids: Iterable[int]) -> dict[int, Draft]:
    """The contacts with their phones, e-mails, tags and identifier rows: five queries."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    contacts = Contact.objects.select_for_update().filter(pk__in=wanted)
    drafts = {c.pk: Draft(c, _base_state(c)) for c in contacts}
    phones = ContactPhone.objects.filter(contact_id__in=wanted).order_by("position", "id")
    for contact_id, number, kind in phones.values_list("contact_id", "number", "kind"):
        drafts[contact_id].state["phones"].append(number)
        drafts[contact_id].kinds[number] = kind
    emails = ContactEmail.objects.filter(contact_id__in=wanted).order_by("position", "id")
    for contact_id, email in emails.values_list("contact_id", "email"):
        drafts[contact_id].state["emails"].append(email)
    return finish_drafts(drafts, Contact.tags.through, "contact_id")


def finish_drafts(drafts: Mapping[int, Any], tags_through: Any, column: str) -> Any:
    """Add the records' tags and identifier fields (``column`` names the record in both tables)
    to their drafts, and keep what was loaded as each draft's ``original``."""
    wanted = sorted(drafts)
    tagged = tags_through.objects.filter(**{f"{column}__in": wanted})
    for record_id, name in tagged.values_list(column, "tag__name"):
        drafts[record_id].state["tags"].append(name)
    held = CustomIdentifier.objects.filter(**{f"{column}__in": wanted})
    for record_id, field_id, key in held.values_list(column, "field_id", "field__key"):
        drafts[record_id].identifiers[key] = field_id
    for draft in drafts.values():
        draft.state["tags"].sort()
        draft.original = {k: list(v) if isinstance(v, list) else v for k, v in draft.state.items()}
    return drafts


def _listed_changes(
    drafts: Sequence[Draft], key: str
) -> tuple[list[tuple[int, str]], list[tuple[int, str, int]]]:
    """Rows to delete and rows to add so that each contact's list becomes its state."""
    removed: list[tuple[int, str]] = []
    added: list[tuple[int, str, int]] = []
    for draft in drafts:
        old, new = draft.original.get(key, []), draft.state.get(key, [])
        if old == new:
            continue
        removed.extend((draft.pk, value) for value in old if value not in new)
        added.extend(
            (draft.pk, value, position) for position, value in enumerate(new) if value not in old
        )
    return removed, added


def _delete_pairs(model: Any, value_field: str, pairs: list[tuple[int, str]]) -> None:
    by_contact: dict[int, list[str]] = defaultdict(list)
    for contact_id, value in pairs:
        by_contact[contact_id].append(value)
    for contact_id, values in by_contact.items():
        model.objects.filter(contact_id=contact_id, **{f"{value_field}__in": values}).delete()


def _save_lists(drafts: Sequence[Draft], tag_ids: dict[str, int]) -> None:
    removed, added = _listed_changes(drafts, "phones")
    kinds = {draft.pk: draft.kinds for draft in drafts}
    _delete_pairs(ContactPhone, "number", removed)
    insert_rows(
        ContactPhone,
        ("contact_id", "number", "kind", "position"),
        [(pk, n, kinds[pk].get(n) or inferred_kind(n), pos) for pk, n, pos in added],
    )
    removed, added = _listed_changes(drafts, "emails")
    _delete_pairs(ContactEmail, "email", removed)
    insert_rows(
        ContactEmail,
        ("contact_id", "email", "kind", "position"),
        [(pk, email, EmailKind.WORK, pos) for pk, email, pos in added],
    )
    removed, added = _listed_changes(drafts, "tags")
    through = Contact.tags.through
    _delete_pairs(through, "tag__name", removed)
    missing = {name for _pk, name, _pos in added} - set(tag_ids)
    tag_ids.update(
        Tag.objects.filter(org_id=drafts[0].contact.org_id, name__in=sorted(missing)).values_list(
            "name", "pk"
        )
    )
    insert_rows(
        through, ("contact_id", "tag_id"), [(pk, tag_ids[name]) for pk, name, _pos in added]
    )


def _save_identifiers(drafts: Sequence[Draft]) -> None:
    """Identifier values live in ``CustomIdentifier`` too, whose unique constraint keeps them
    unique in the organisation (a concurrent import of the same value fails its chunk)."""
    stale: list[tuple[int, int]] = []
    fresh: list[tuple[int, int, str]] = []
    for draft in drafts:
        for key, field_id in draft.identifiers.items():
            name = f"custom.{key}"
            old, new = draft.original.get(name), draft.state.get(name)
            if old == new:
                continue
            if old is not None:
                stale.append((draft.pk, field_id))
            if new is not None:
                fresh.append((field_id, draft.pk, str(new)))
    for contact_id, field_id in stale:
        CustomIdentifier.objects.filter(contact_id=contact_id, field_id=field_id).delete()
    insert_rows(CustomIdentifier, ("field_id", "contact_id", "value"), fresh)


def _reindex(drafts: Sequence[Draft]) -> None:
    ids = [draft.pk for draft in drafts]
    ContactSearchToken.objects.filter(contact_id__in=ids).delete()
    insert_rows(
        ContactSearchToken,
        ("contact_id", "token"),
        [
            (draft.pk, key)
            for draft in drafts
            for key in sorted(
                search.contact_keys(
                    name=draft.state["name"],
                    phones=draft.state["phones"],
                    emails=draft.state["emails"],
                )
            )
        ],
    )


def _apply_columns(draft: Draft, owner_teams: Mapping[int, int | None]) -> set[str]:
    """Copy the state onto the model instance; returns the columns that change."""
    contact, state = draft.contact, draft.state
    changed: set[str] = set()
    for name in COLUMNS:
        if getattr(contact, name) != state[name]:
            setattr(contact, name, state[name])
            changed.add(name)
    birthday = datetime.date.fromisoformat(state["birthday"]) if state["birthday"] else None
    if contact.birthday != birthday:
        contact.birthday = birthday
        changed.add("birthday")
    if contact.account_id != state["account"]:
        contact.account_id = state["account"]
        changed.add("account")
    if not contact.account_id and contact.account_role:
        contact.account_role = state["account_role"] = ""
        changed.add("account_role")
    if contact.owner_id != state["owner"]:
        contact.owner_id = state["owner"]
        contact.team_id = owner_teams.get(state["owner"])
        changed |= {"owner", "team"}
    custom = {
        key.removeprefix("custom."): value
        for key, value in state.items()
        if key.startswith("custom.") and value is not None
    }
    if custom != (contact.custom or {}):
        contact.custom = custom
        changed.add("custom")
    if "name" in changed:
        contact.pinyin = name_pinyin(contact.name)
        contact.sort_key = sort_key(contact.name)
        changed |= {"pinyin", "sort_key"}
    return changed


def save_drafts(
    actor: Any,
    drafts: Sequence[Draft],
    *,
    tag_ids: dict[str, int] | None = None,
    owner_teams: Mapping[int, int | None] | None = None,
    audit_extra: dict[str, Any] | None = None,
) -> list[Draft]:
    """Write every draft whose state changed: one bulk UPDATE with ``version + 1``, the
    list rows that differ, fresh search keys, and one ``customers.contact.updated`` event each.
    Returns the drafts that changed."""
    changed = [draft for draft in drafts if draft.state != draft.original]
    if not changed:
        return []
    now = timezone.now()
    columns: set[str] = set()
    for draft in changed:
        columns |= _apply_columns(draft, owner_teams or {})
        draft.contact.version += 1
        draft.contact.updated_at = now
    update_rows(Contact, sorted(columns | {"version", "updated_at"}), [d.contact for d in changed])
    _save_lists(changed, tag_ids if tag_ids is not None else {})
    _save_identifiers(changed)
    _reindex([d for d in changed if any(d.state[k] != d.original[k] for k in SEARCHED)])
    audit_bulk(
        audit_event(
            actor=actor,
            verb="customers.contact.updated",
            target=draft.contact,
            changes={**diff(draft.original, draft.state), **(audit_extra or {})},
        )
        for draft in changed
    )
    return changed
