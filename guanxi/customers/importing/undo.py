"""Taking back one contact import: what it created goes, what it updated gets its values back.

Created contacts (and the companies the import created for them) are removed for good through
the customers purge registry, so every module handles its own rows as a purge would (orders stay,
unlinked). An updated contact gets each field back only where the field still holds what the
import wrote: a value someone changed since is theirs and is kept (and counted as kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from guanxi.customers.importing.drafts import load_drafts, save_drafts
from guanxi.customers.models import Account, Contact
from guanxi.customers.registry import CustomerKind, CustomerRef, Refused, run_purge
from guanxi.customers.selectors import editable_contact_ids
from guanxi.platform.models import User
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_manage

CONTACT = "customers.contact"
ACCOUNT = "customers.account"


def _same(key: str, current: Any, written: Any) -> bool:
    if key == "tags":
        return sorted(current or []) == sorted(written or [])
    return bool(current == written)


def restore_fields(
    state: dict[str, Any],
    before: dict[str, Any],
    after: dict[str, Any],
    usable: dict[str, set[int]],
) -> int:
    """Put back the fields still as the import left them; returns how many were kept. A key in
    ``usable`` (``owner``, ``account``) gets its earlier value back only if that still exists."""
    kept = 0
    for key, written in after.items():
        earlier = before.get(key)
        if not _same(key, state.get(key), written) or (
            key in usable and earlier is not None and earlier not in usable[key]
        ):
            kept += 1
            continue
        state[key] = list(earlier or []) if key in ("phones", "emails", "tags") else earlier
    return kept


def in_rounds(changes: list[Any]) -> list[list[Any]]:
    """Latest change first, and each record once per round: a record updated by several chunks
    is walked back one chunk at a time."""
    rounds: list[list[Any]] = []
    for change in sorted(changes, key=lambda c: c.pk or 0, reverse=True):
        for round_ in rounds:
            if all(other.target_id != change.target_id for other in round_):
                round_.append(change)
                break
        else:
            rounds.append([change])
    return rounds


def _restore_updates(actor: Any, changes: list[Any], audit: dict[str, Any]) -> tuple[int, int]:
    restored: set[int] = set()
    kept = 0
    referenced = {
        key: {value for c in changes if (value := (c.before or {}).get(key)) is not None}
        for key in ("account", "owner")
    }
    owners = live_owners(referenced["owner"])
    usable = {
        "account": set(
            Account.objects.filter(pk__in=referenced["account"]).values_list("pk", flat=True)
        ),
        "owner": set(owners),
    }
    # A record the undoer may no longer change (made private or handed over since) keeps its values.
    editable = editable_contact_ids(actor, {change.target_id for change in changes})
    for round_ in in_rounds(changes):
        drafts = load_drafts(change.target_id for change in round_)
        touched = []
        for change in round_:
            draft = drafts.get(change.target_id)
            if draft is None or draft.pk not in editable:  # removed or out of reach since
                kept += len(change.after or {})
                continue
            kept += restore_fields(draft.state, change.before or {}, change.after or {}, usable)
            touched.append(draft)
        saved = save_drafts(actor, touched, owner_teams=owners, audit_extra=audit)
        restored.update(draft.pk for draft in saved)
    return len(restored), kept


def live_owners(ids: set[int]) -> dict[int, int | None]:
    """The active users among ``ids`` (earlier owners), with their teams."""
    return dict(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", "team_id"))


def batch_audit(changes: Sequence[Any]) -> dict[str, Any]:
    """What the audit events of an undo add: the batch undone."""
    batch_id = next((getattr(c, "batch_id", None) for c in changes), None)
    return {"import_batch": {"before": None, "after": batch_id}} if batch_id else {}


def purge_created_accounts(actor: Any, ids: list[int], audit: dict[str, Any]) -> tuple[int, int]:
    """Remove accounts an import created; returns ``(removed, kept)``. A company someone has since
    put people at stays, with them, as does one another module refuses to let go."""
    removed = kept = 0
    for account in Account.objects.filter(pk__in=ids):
        if not can_manage(actor, account) or Contact.objects.filter(account_id=account.pk).exists():
            kept += 1
        elif _purge(actor, "account", account, audit):
            removed += 1
        else:
            kept += 1
    return removed, kept


def _purge(actor: Any, kind: CustomerKind, record: Any, audit: dict[str, Any]) -> bool:
    customer = CustomerRef(kind=kind, pk=record.pk, org_id=record.org_id)
    try:
        with transaction.atomic():
            related = run_purge(customer)
            audit_record(
                actor=actor,
                verb=f"customers.{kind}.purged",
                target=record,
                changes={**related, **audit},
            )
            type(record)._default_manager.filter(pk=record.pk).delete()
    except Refused:
        return False
    return True


def undo_contact_import(actor: Any, changes: Sequence[Any]) -> dict[str, int]:
    """Runs inside the caller's transaction; returns ``{"removed", "restored", "kept"}``."""
    audit = batch_audit(changes)
    created = {c.target_id for c in changes if c.target_type == CONTACT and c.action == "created"}
    updated = [
        c
        for c in changes
        if c.target_type == CONTACT and c.action == "updated" and c.target_id not in created
    ]
    restored, kept = _restore_updates(actor, updated, audit)
    removed = 0
    for contact in Contact.objects.filter(pk__in=created):
        # One handed to someone the undoer may not manage is theirs now: it stays.
        if can_manage(actor, contact) and _purge(actor, "contact", contact, audit):
            removed += 1
        else:
            kept += 1
    accounts = [c.target_id for c in changes if c.target_type == ACCOUNT and c.action == "created"]
    gone, stayed = purge_created_accounts(actor, accounts, audit)
    return {"removed": removed + gone, "restored": restored, "kept": kept + stayed}
