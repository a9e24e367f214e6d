"""The ``accounts`` importer the platform's import framework calls (see
``guanxi.platform.imports.registry``): fields to map, one chunk at a time, and undo.

Undo removes the accounts the batch created through the customers purge registry (one someone
has since put contacts at stays), and gives an updated account each value back where the field
still holds what the import wrote, through ``account_update``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.utils.translation import gettext_lazy

from guanxi.customers.importing.account_chunk import (
    ACCOUNT,
    AccountChunk,
    load_account_drafts,
    save_account_draft,
)
from guanxi.customers.importing.account_rows import account_import_fields
from guanxi.customers.importing.chunking import CustomerImporter
from guanxi.customers.importing.undo import (
    batch_audit,
    in_rounds,
    live_owners,
    purge_created_accounts,
    restore_fields,
)
from guanxi.customers.selectors import editable_account_ids
from guanxi.platform.models import User


def _restore_updates(actor: Any, changes: list[Any]) -> tuple[int, int]:
    earlier_owners = {o for c in changes if (o := (c.before or {}).get("owner")) is not None}
    owners = live_owners(earlier_owners)
    users = User.objects.in_bulk(list(owners))
    restored: set[int] = set()
    kept = 0
    editable = editable_account_ids(actor, {change.target_id for change in changes})
    for round_ in in_rounds(changes):
        drafts = load_account_drafts(change.target_id for change in round_)
        for change in round_:
            draft = drafts.get(change.target_id)
            if draft is None or draft.pk not in editable:  # removed or out of reach since
                kept += len(change.after or {})
                continue
            before, after = change.before or {}, change.after or {}
            kept += restore_fields(draft.state, before, after, {"owner": set(owners)})
            if save_account_draft(actor, draft, users) is not None:
                restored.add(draft.pk)
    return len(restored), kept


def undo_account_import(actor: Any, changes: Sequence[Any]) -> dict[str, int]:
    """Runs inside the caller's transaction; returns ``{"removed", "restored", "kept"}``."""
    created = [c.target_id for c in changes if c.target_type == ACCOUNT and c.action == "created"]
    updated = [
        c
        for c in changes
        if c.target_type == ACCOUNT and c.action == "updated" and c.target_id not in created
    ]
    restored, kept = _restore_updates(actor, updated)
    removed, stayed = purge_created_accounts(actor, created, batch_audit(changes))
    return {"removed": removed, "restored": restored, "kept": kept + stayed}


class AccountImporter(CustomerImporter):
    kind = "accounts"
    # Lazy: shown in the user's language wherever it is rendered.
    label: str = cast(str, gettext_lazy("Accounts"))
    chunk_class = AccountChunk
    fields_of = staticmethod(account_import_fields)
    required = ("name",)
    undo_changes = staticmethod(undo_account_import)
