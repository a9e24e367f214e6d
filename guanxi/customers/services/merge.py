"""Merging two records of one customer into one, and undoing it.

The survivor (``target``) takes the chosen value per field (see ``customers/merge_fields.py``)
and every row of every module that pointed at the merged-away record (``source``) follows it,
through the registry. The source is not destroyed but soft-deleted, so it leaves the lists and
search and is purged with the other deleted records after the restore window; until then
:func:`merge_undo` puts everything back. A :class:`MergeRecord` keeps what undo needs: the
source's values, what changed on the target (``{field: {"before": x, "after": y}}``, restored only
where nobody changed it since) and the keys of the rows that moved, per registry label.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceValidationError,
)
from guanxi.customers.merge_fields import (
    CHOSEN_FIELDS,
    CUSTOM_PREFIX,
    MODELS,
    SIDES,
    attname,
    columns_of,
    default_side,
    identifier_keys,
    is_empty,
    loaded,
    stored,
)
from guanxi.customers.models import (
    Account,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomIdentifier,
    DuplicatePair,
    DuplicateStatus,
    MergeRecord,
    Tag,
)
from guanxi.customers.names import name_pinyin, sort_key
from guanxi.customers.permissions import CustomerPermission
from guanxi.customers.registry import CustomerRef, Merge, merge_related_rows, run_unmerge
from guanxi.customers.services import records
from guanxi.customers.services.contacts import MAX_EMAILS, MAX_PHONES
from guanxi.customers.services.search_index import account_reindex, contact_reindex
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_manage, can_see

MERGE_VERB_LABELS = {
    "customers.contact.merged": gettext_noop("Contacts merged"),
    "customers.contact.merge_undone": gettext_noop("Contact merge undone"),
    "customers.account.merged": gettext_noop("Accounts merged"),
    "customers.account.merge_undone": gettext_noop("Account merge undone"),
}
IDENTIFIERS_LABEL = "customers.customidentifier"
EXTERNAL_ID = "external_id"


def require_can_merge(actor: Any, target: Any, source: Any) -> None:
    """Both records editable by the actor, and the source deletable (a merge deletes it)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError(_("You do not have permission to do this."))
    records.require_can_edit(actor, target)
    records.require_can_edit(actor, source)
    if not can_manage(actor, source) or not actor.has_role_permission(
        CustomerPermission.DELETE_CUSTOMERS
    ):
        raise PermissionDeniedError(
            _(
                "Merging deletes one of the records: only its owner, their manager or an "
                "administrator can do it."
            )
        )


def can_merge(actor: Any, target: Any, source: Any) -> bool:
    try:
        require_can_merge(actor, target, source)
    except (PermissionDeniedError, NotFoundError):
        return False
    return True


def _lock_pair(model: Any, target: Any, source: Any) -> tuple[Any, Any]:
    """Lock both rows in key order, so two merges of the same pair queue instead of deadlocking."""
    rows = model._default_manager.select_for_update().in_bulk(sorted([target.pk, source.pk]))
    return rows[target.pk], rows[source.pk]


def _check_pair(entity: str, target: Any, source: Any) -> None:
    if not isinstance(target, MODELS[entity]) or not isinstance(source, MODELS[entity]):
        raise ServiceValidationError(_("Only two records of the same kind can be merged."))
    if target.pk == source.pk:
        raise ServiceValidationError(_("A record cannot be merged into itself."))
    if target.org_id != source.org_id or target.deleted_at or source.deleted_at:
        raise NotFoundError(_("No such record."))


def _clean_chosen(entity: str, chosen: dict[str, str] | None, custom_keys: set[str]) -> dict:
    chosen = dict(chosen or {})
    for key, side in chosen.items():
        known = key in CHOSEN_FIELDS[entity] or (
            key.startswith(CUSTOM_PREFIX) and key[len(CUSTOM_PREFIX) :] in custom_keys
        )
        if not known:
            raise ServiceValidationError.for_field(f"chosen.{key}", _("Unknown field."))
        if side not in SIDES:
            raise ServiceValidationError.for_field(
                f"chosen.{key}", _("Choose the value of one of the two records.")
            )
    return chosen


def _source_snapshot(entity: str, source: Any, target: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        column: stored(getattr(source, column))
        for name in CHOSEN_FIELDS[entity]
        for column in columns_of(entity, name)
    }
    data["custom"] = dict(source.custom)
    data["tags"] = sorted(tag.name for tag in source.tags.all())
    if entity == "contact":
        data[EXTERNAL_ID] = source.external_id
        data["phones"] = [phone.number for phone in source.phones.all()]
        data["emails"] = [email.email for email in source.emails.all()]
    data["merged_into"] = {"id": target.pk, "public_id": str(target.public_id)}
    return data


def _choose_fields(
    entity: str, actor: Any, target: Any, source: Any, chosen: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Set the surviving values on ``target``; the changes as ``{field: {before, after}}``."""
    changes: dict[str, dict[str, Any]] = {}
    for name in CHOSEN_FIELDS[entity]:
        columns = columns_of(entity, name)
        mine, theirs = getattr(target, columns[0]), getattr(source, columns[0])
        side = chosen.get(name) or default_side(mine, theirs)
        # The source's company is taken only when the actor may see it.
        if name == "account" and theirs is not None and not can_see(actor, source.account):
            side = "target"
        if side != "source":
            continue
        for column in columns:
            mine, theirs = getattr(target, column), getattr(source, column)
            if mine != theirs:
                setattr(target, column, theirs)
                changes[_change_name(entity, column)] = {
                    "before": stored(mine),
                    "after": stored(theirs),
                }
    return changes


def _change_name(entity: str, column: str) -> str:
    """Changes are named by field (``account``), not column (``account_id``)."""
    return "account" if column == "account_id" else column


def _choose_custom(
    target: Any, source: Any, chosen: dict[str, str], identifiers: set[str]
) -> dict[str, Any] | None:
    """The survivor's custom values: chosen per key; identifiers only fill an empty one."""
    custom = dict(target.custom)
    for key in sorted(set(source.custom) | set(target.custom)):
        mine, theirs = target.custom.get(key), source.custom.get(key)
        side = "target" if key in identifiers else chosen.get(CUSTOM_PREFIX + key)
        side = side or default_side(mine, theirs)
        if key in identifiers and is_empty(mine) and not is_empty(theirs):
            side = "source"
        if side == "source":
            custom[key] = theirs
    if custom == target.custom:
        return None
    change = {"before": dict(target.custom), "after": custom}
    target.custom = custom
    return change


def _move_identifiers(entity: str, target: Any, source: Any) -> list[int]:
    """Identifier rows of the fields the target has none for; their keys, for undo."""
    held = CustomIdentifier.objects.filter(**{f"{entity}_id": target.pk}).values_list(
        "field_id", flat=True
    )
    rows = CustomIdentifier.objects.filter(**{f"{entity}_id": source.pk}).exclude(
        field_id__in=list(held)
    )
    pks = list(rows.values_list("pk", flat=True))
    CustomIdentifier.objects.filter(pk__in=pks).update(**{f"{entity}_id": target.pk})
    return pks


def _move_external_id(target: Contact, source: Contact) -> dict[str, Any] | None:
    if target.external_id or not source.external_id:
        return None
    value = source.external_id
    # Free the value first: external ids are unique per organisation, deleted records included.
    Contact.objects.filter(pk=source.pk).update(external_id="")
    source.external_id = ""
    target.external_id = value
    return {"before": "", "after": value}


def _unite(current: list[str], extra: list[str], limit: int) -> list[str]:
    return (current + [value for value in extra if value not in current])[:limit]


def _unite_contact_lists(target: Contact, source: Contact) -> dict[str, dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}
    phones = list(target.phones.all())
    numbers = [phone.number for phone in phones]
    kinds = {phone.number: phone.kind for phone in source.phones.all()}
    united = _unite(numbers, list(kinds), MAX_PHONES)
    if united != numbers:
        ContactPhone.objects.bulk_create(
            ContactPhone(contact=target, number=number, kind=kinds[number], position=position)
            for position, number in enumerate(united)
            if number not in numbers
        )
        changes["phones"] = {"before": numbers, "after": united}
    emails = [email.email for email in target.emails.all()]
    united = _unite(emails, [email.email for email in source.emails.all()], MAX_EMAILS)
    if united != emails:
        ContactEmail.objects.bulk_create(
            ContactEmail(contact=target, email=email, position=position)
            for position, email in enumerate(united)
            if email not in emails
        )
        changes["emails"] = {"before": emails, "after": united}
    return changes


def _unite_tags(target: Any, source: Any) -> dict[str, Any] | None:
    mine = sorted(tag.name for tag in target.tags.all())
    theirs = list(source.tags.all())
    target.tags.add(*theirs)
    after = sorted(set(mine) | {tag.name for tag in theirs})
    return {"before": mine, "after": after} if after != mine else None


def _refresh_derived(entity: str, record: Any) -> None:
    """Name keys and search tokens follow the record's values."""
    record.sort_key = sort_key(record.name)
    if entity == "contact":
        record.pinyin = name_pinyin(record.name)
        contact_reindex(
            record,
            phones=[phone.number for phone in record.phones.all()],
            emails=[email.email for email in record.emails.all()],
        )
    else:
        account_reindex(record)


def _audited(changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The changes as the audit trail words them: a company by its name (as contact edits
    store it), each custom value under ``custom.<key>``."""
    audited: dict[str, dict[str, Any]] = {}
    for name, change in changes.items():
        if name == "account":
            names = dict(
                Account.objects.filter(pk__in=[v for v in change.values() if v]).values_list(
                    "pk", "name"
                )
            )
            audited[name] = {side: names.get(value) for side, value in change.items()}
        elif name == "custom":
            before, after = change["before"], change["after"]
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    audited[CUSTOM_PREFIX + key] = {
                        "before": before.get(key),
                        "after": after.get(key),
                    }
        else:
            audited[name] = change
    return audited


def _pair_of(entity: str, org_id: int, first: int, second: int) -> Any:
    low, high = sorted([first, second])
    return DuplicatePair.objects.filter(org_id=org_id, entity=entity, first_id=low, second_id=high)


def _merge(
    entity: str,
    *,
    actor: Any,
    target: Any,
    source: Any,
    chosen: dict[str, str] | None,
    target_version: int | None,
    source_version: int | None,
) -> MergeRecord:
    _check_pair(entity, target, source)
    require_can_merge(actor, target, source)
    model = MODELS[entity]
    target, source = _lock_pair(model, target, source)
    _check_pair(entity, target, source)
    records.check_version(target, target_version)
    records.check_version(source, source_version)
    identifiers = identifier_keys(target.org_id, entity)
    custom_keys = set(target.custom) | set(source.custom)
    chosen = _clean_chosen(entity, chosen, custom_keys)
    snapshot = _source_snapshot(entity, source, target)

    changes = _choose_fields(entity, actor, target, source, chosen)
    if entity == "contact" and not target.account_id:
        target.account_role = ""
    custom_change = _choose_custom(target, source, chosen, identifiers)
    if custom_change:
        changes["custom"] = custom_change
    moved_identifiers = _move_identifiers(entity, target, source)
    if entity == "contact":
        external = _move_external_id(target, source)
        if external:
            changes[EXTERNAL_ID] = external
        changes.update(_unite_contact_lists(target, source))
    tags = _unite_tags(target, source)
    if tags:
        changes["tags"] = tags

    outcome = merge_related_rows(
        Merge(
            source=CustomerRef(kind=entity, pk=source.pk, org_id=source.org_id),  # type: ignore[arg-type]
            target=CustomerRef(kind=entity, pk=target.pk, org_id=target.org_id),  # type: ignore[arg-type]
        )
    )
    moved = dict(outcome.moved)
    if moved_identifiers:
        moved[IDENTIFIERS_LABEL] = moved_identifiers

    now = timezone.now()
    source.deleted_at = now
    source.version += 1
    source.save(update_fields=["deleted_at", "version", "updated_at"])
    _refresh_derived(entity, target)
    target.version += 1
    target.save()

    record = MergeRecord.objects.create(
        org_id=target.org_id,
        entity=entity,
        actor=actor,
        target_id=target.pk,
        source_id=source.pk,
        source_label=str(source)[:200],
        source_snapshot=snapshot,
        target_before=changes,
        moved=moved,
    )
    _pair_of(entity, target.org_id, target.pk, source.pk).update(
        status=DuplicateStatus.MERGED, decided_by=actor, decided_at=now, updated_at=now
    )
    verb = f"customers.{entity}.merged"
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        changes={**_audited(changes), "merged": {"before": None, "after": str(source)}},
    )
    audit_record(
        actor=actor,
        verb=verb,
        target=source,
        changes={"merged_into": {"before": None, "after": str(target)}},
    )
    return record


@transaction.atomic
def contact_merge(
    *,
    actor: Any,
    target: Contact,
    source: Contact,
    chosen: dict[str, str] | None = None,
    target_version: int | None = None,
    source_version: int | None = None,
) -> MergeRecord:
    """Merge ``source`` into ``target``; ``chosen`` maps a field (or ``custom.<key>``) to
    ``"target"`` or ``"source"``. Versions, when given, must be current (409 otherwise)."""
    return _merge(
        "contact",
        actor=actor,
        target=target,
        source=source,
        chosen=chosen,
        target_version=target_version,
        source_version=source_version,
    )


@transaction.atomic
def account_merge(
    *,
    actor: Any,
    target: Account,
    source: Account,
    chosen: dict[str, str] | None = None,
    target_version: int | None = None,
    source_version: int | None = None,
) -> MergeRecord:
    return _merge(
        "account",
        actor=actor,
        target=target,
        source=source,
        chosen=chosen,
        target_version=target_version,
        source_version=source_version,
    )


def _current(entity: str, record: Any, name: str) -> Any:
    if name in ("phones", "emails"):
        return [
            row.number if name == "phones" else row.email for row in getattr(record, name).all()
        ]
    if name == "tags":
        return sorted(tag.name for tag in record.tags.all())
    if name in ("custom", EXTERNAL_ID):
        return getattr(record, name)
    return stored(getattr(record, attname(entity, name)))


def _restore_target(entity: str, target: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """Put back what the merge changed on the survivor, where it still holds the merged value."""
    restored: dict[str, Any] = {}
    for name, change in changes.items():
        if _current(entity, target, name) != change["after"]:
            continue
        before, after = change["before"], change["after"]
        if name in ("phones", "emails"):
            model, column = (
                (ContactPhone, "number") if name == "phones" else (ContactEmail, "email")
            )
            added = [value for value in after if value not in before]
            model.objects.filter(contact=target, **{f"{column}__in": added}).delete()
        elif name == "tags":
            added = [value for value in after if value not in before]
            target.tags.remove(*Tag.objects.filter(org_id=target.org_id, name__in=added))
        elif name in ("custom", EXTERNAL_ID):
            setattr(target, name, before)
        else:
            setattr(target, attname(entity, name), loaded(entity, name, before))
        restored[name] = {"before": after, "after": before}
    return restored


def require_can_undo(actor: Any, record: MergeRecord) -> None:
    if actor is None or actor.org_id != record.org_id:
        raise NotFoundError(_("No such merge."))
    if record.actor_id != actor.pk and not actor.is_administrator:
        raise PermissionDeniedError(
            _("Only the person who merged or an administrator can undo a merge.")
        )


def undo_deadline(record: MergeRecord) -> Any:
    return record.created_at + timedelta(days=settings.GUANXI_SOFT_DELETE_DAYS)


@transaction.atomic
def merge_undo(*, actor: Any, record: MergeRecord) -> MergeRecord:
    """Restore the merged-away record, move its rows back and undo the survivor's changes that
    nobody changed since; within the restore window, once."""
    require_can_undo(actor, record)
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    if record.undone_at is not None:
        raise ConflictError(_("This merge was already undone."))
    if timezone.now() > undo_deadline(record):
        raise ServiceValidationError(
            _("A merge can be undone for %(days)s days; this one is older.")
            % {"days": settings.GUANXI_SOFT_DELETE_DAYS}
        )
    entity = record.entity
    model = MODELS[entity]
    rows: dict[int, Any] = model._default_manager.select_for_update().in_bulk(
        sorted([record.target_id, record.source_id])
    )
    target, source = rows.get(record.target_id), rows.get(record.source_id)
    if target is None or source is None:
        raise ConflictError(_("One of the two records was removed for good; undo is impossible."))
    records.require_can_edit(actor, target)

    restored = _restore_target(entity, target, record.target_before)
    snapshot = record.source_snapshot
    external_id = snapshot.get(EXTERNAL_ID) if entity == "contact" else None
    if external_id and not source.external_id:
        # Free it on the survivor first (in the database too: the source is saved before it).
        if Contact.objects.filter(pk=target.pk, external_id=external_id).update(external_id=""):
            target.external_id = ""
        source.external_id = external_id
    CustomIdentifier.objects.filter(
        pk__in=record.moved.get(IDENTIFIERS_LABEL, []), **{f"{entity}_id": target.pk}
    ).update(**{f"{entity}_id": source.pk})
    merge = Merge(
        source=CustomerRef(kind=entity, pk=source.pk, org_id=source.org_id),  # type: ignore[arg-type]
        target=CustomerRef(kind=entity, pk=target.pk, org_id=target.org_id),  # type: ignore[arg-type]
    )
    run_unmerge(merge, record.moved)

    source.deleted_at = None
    source.version += 1
    source.save()
    if restored:
        _refresh_derived(entity, target)
        target.version += 1
        target.save()
    now = timezone.now()
    record.undone_at = now
    record.save(update_fields=["undone_at", "updated_at"])
    _pair_of(entity, record.org_id, target.pk, source.pk).update(
        status=DuplicateStatus.OPEN, decided_by=None, decided_at=None, updated_at=now
    )
    verb = f"customers.{entity}.merge_undone"
    audit_record(
        actor=actor,
        verb=verb,
        target=target,
        changes=_audited(restored),
    )
    audit_record(actor=actor, verb=verb, target=source, changes={})
    return record


__all__ = [
    "MERGE_VERB_LABELS",
    "account_merge",
    "can_merge",
    "contact_merge",
    "merge_undo",
    "require_can_merge",
]
