"""The duplicate review queue: list, side-by-side comparison, merge, "not a duplicate", undo.

The comparison names the two records "first" and "second" (their order in the pair); the person
picks which one survives and, per differing field, whose value it keeps. The merge asks for a
confirmation first (a second POST carrying the same choices), so it works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.errors import GuanxiError, PermissionDeniedError
from guanxi.customers import duplicate_queue
from guanxi.customers.merge_fields import MODELS, field_choices, model_field
from guanxi.customers.models import DuplicateStatus, MergeRecord
from guanxi.customers.services.duplicate_review import duplicate_pair_dismiss
from guanxi.customers.services.merge import (
    account_merge,
    can_merge,
    contact_merge,
    merge_undo,
    undo_deadline,
)
from guanxi.customers.services.records import require_can_edit

PAGE_SIZE = 25
MERGES: dict[str, Any] = {"contact": contact_merge, "account": account_merge}


@login_required
def duplicates_list_view(request: HttpRequest) -> HttpResponse:
    entity = request.GET.get("entity", "contact")
    if entity not in duplicate_queue.ENTITIES:
        entity = "contact"
    pairs = duplicate_queue.open_pairs(request.user, entity)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/duplicates_list.html",
        {
            "entity": entity,
            "page": page,
            "rows": duplicate_queue.pair_rows(request.user, entity, list(page.object_list)),
            "query_string": f"entity={entity}",
            "counts": {
                name: duplicate_queue.open_pairs(request.user, name).count()
                for name in duplicate_queue.ENTITIES
            },
        },
    )


def _row_or_404(request: HttpRequest, public_id: Any) -> duplicate_queue.PairRow:
    row = duplicate_queue.visible_pair(request.user, public_id)
    if row is None:
        raise Http404
    return row


def _shown(entity: str, name: str, value: Any, record: Any) -> Any:
    """A value as the page shows it: a choice by its label, a company only when visible."""
    if name == "account":
        return record.shown_account or ""
    field = model_field(entity, name) if "." not in name else None
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return "" if value is None else value


def _comparison(request: HttpRequest, row: duplicate_queue.PairRow, survivor: str) -> list[dict]:
    """Rows of the comparison; ``checked`` is the record whose value the merge keeps by default
    (or as the person chose, when the form comes back)."""
    keep, other = (row.first, row.second) if survivor == "first" else (row.second, row.first)
    other_name = "second" if survivor == "first" else "first"
    entity = row.pair.entity
    rows = []
    for choice in field_choices(entity, keep, other):
        first, second = (
            (choice.target, choice.source)
            if survivor == "first"
            else (
                choice.source,
                choice.target,
            )
        )
        default = survivor if choice.default == "target" else other_name
        posted = request.POST.get(f"choice.{choice.key}")
        rows.append(
            {
                "key": choice.key,
                "label": choice.label,
                "first": _shown(entity, choice.key, first, row.first),
                "second": _shown(entity, choice.key, second, row.second),
                "differs": choice.differs,
                "checked": posted if posted in ("first", "second") else default,
            }
        )
    return rows


def _lists(row: duplicate_queue.PairRow) -> list[dict]:
    """What the survivor gets from both: phones, e-mails, tags."""
    names = ["tags"] if row.pair.entity == "account" else ["phones", "emails", "tags"]
    labels = {"phones": _("Phones"), "emails": _("E-mail addresses"), "tags": _("Tags")}
    columns = {"phones": "number", "emails": "email", "tags": "name"}
    return [
        {
            "label": labels[name],
            "first": [getattr(item, columns[name]) for item in getattr(row.first, name).all()],
            "second": [getattr(item, columns[name]) for item in getattr(row.second, name).all()],
            "kind": name,
        }
        for name in names
    ]


def _render_compare(
    request: HttpRequest,
    row: duplicate_queue.PairRow,
    *,
    survivor: str,
    confirming: bool = False,
    status: int = 200,
) -> HttpResponse:
    keep, other = (row.first, row.second) if survivor == "first" else (row.second, row.first)
    return render(
        request,
        "customers/duplicates_compare.html",
        {
            "row": row,
            "entity": row.pair.entity,
            "survivor": survivor,
            "keep": keep,
            "other": other,
            "fields": _comparison(request, row, survivor),
            "lists": _lists(row),
            "reasons": row.reasons,
            "can_merge": can_merge(request.user, keep, other),
            "can_decide": row.pair.status == DuplicateStatus.OPEN,
            "confirming": confirming,
        },
        status=status,
    )


def _survivor(data: Any) -> str:
    return "second" if data.get("survivor") == "second" else "first"


@login_required
def duplicate_compare_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    row = _row_or_404(request, public_id)
    return _render_compare(request, row, survivor=_survivor(request.GET))


def _version(data: Any, name: str) -> int | None:
    value = data.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def duplicate_merge_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    row = _row_or_404(request, public_id)
    survivor = _survivor(request.POST)
    keep, other = (row.first, row.second) if survivor == "first" else (row.second, row.first)
    other_name = "second" if survivor == "first" else "first"
    if not can_merge(request.user, keep, other):
        raise PermissionDenied
    if request.POST.get("confirm") != "1":
        return _render_compare(request, row, survivor=survivor, confirming=True)
    chosen = {
        key.removeprefix("choice."): "target" if value == survivor else "source"
        for key, value in request.POST.items()
        if key.startswith("choice.") and value in ("first", "second")
    }
    try:
        record = MERGES[row.pair.entity](
            actor=request.user,
            target=keep,
            source=other,
            chosen=chosen,
            target_version=_version(request.POST, f"{survivor}_version"),
            source_version=_version(request.POST, f"{other_name}_version"),
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    except GuanxiError as exc:
        messages.error(request, exc.message)
        return _render_compare(request, row, survivor=survivor, status=exc.status)
    messages.success(
        request, _("“%(source)s” was merged into “%(target)s”.") % {"source": other, "target": keep}
    )
    return redirect("duplicate-merge-done", public_id=record.public_id)


@login_required
@require_POST
def duplicate_dismiss_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    row = _row_or_404(request, public_id)
    try:
        require_can_edit(request.user, row.first)
        require_can_edit(request.user, row.second)
        duplicate_pair_dismiss(actor=request.user, pair=row.pair)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except GuanxiError as exc:
        messages.error(request, exc.message)
        return redirect("duplicate-compare", public_id=row.pair.public_id)
    messages.success(request, _("Marked as not a duplicate; it will not be proposed again."))
    return redirect(f"{reverse('duplicate-list')}?entity={row.pair.entity}")


def _can_undo(user: Any, record: MergeRecord) -> bool:
    return (
        record.undone_at is None
        and timezone.now() <= undo_deadline(record)
        and (record.actor_id == user.pk or user.is_administrator)
    )


def _merge_or_404(request: HttpRequest, public_id: Any) -> MergeRecord:
    record = duplicate_queue.merge_visible_to(request.user, public_id)
    if record is None:
        raise Http404
    return record


@login_required
def duplicate_merge_done_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    record = _merge_or_404(request, public_id)
    survivor = MODELS[record.entity]._default_manager.get(pk=record.target_id)
    return render(
        request,
        "customers/duplicates_merged.html",
        {
            "record": record,
            "survivor": survivor,
            "entity": record.entity,
            "can_undo": _can_undo(request.user, record),
            "undo_until": undo_deadline(record),
        },
    )


@login_required
@require_POST
def duplicate_merge_undo_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    record = _merge_or_404(request, public_id)
    try:
        merge_undo(actor=request.user, record=record)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except GuanxiError as exc:
        messages.error(request, exc.message)
        return redirect("duplicate-merge-done", public_id=record.public_id)
    messages.success(request, _("Merge undone: both records are back."))
    return redirect(f"{record.entity}-detail", public_id=_source_public_id(record))


def _source_public_id(record: MergeRecord) -> Any:
    return MODELS[record.entity]._default_manager.get(pk=record.source_id).public_id
