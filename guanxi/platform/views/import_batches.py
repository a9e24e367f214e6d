"""The pages of one import batch: progress (polled by htmx), results, cancel, resume, the real
import after a dry run, undo, and the error report. A batch is shown to the person who imported
and to administrators; to anyone else it does not exist (404)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import GuanxiError
from guanxi.platform.imports import runner
from guanxi.platform.imports.errors_report import error_report_csv
from guanxi.platform.imports.registry import importer_for
from guanxi.platform.imports.selectors import batches_visible_to
from guanxi.platform.imports.storage import stored_path
from guanxi.platform.imports.tasks import enqueue_import
from guanxi.platform.models import ImportBatch
from guanxi.platform.models.imports import BatchStatus

TEMPLATE = "platform/imports/batch.html"
SHOWN_ERRORS = 100


def _batch(request: HttpRequest, public_id: uuid.UUID) -> ImportBatch:
    batch = batches_visible_to(request.user).filter(public_id=public_id).first()
    if batch is None:
        raise Http404
    return batch


def _context(user: Any, batch: ImportBatch) -> dict[str, Any]:
    importer = importer_for(batch.kind)
    active = batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING) and not runner.is_stalled(
        batch
    )
    percent = 0
    if batch.rows_total:
        percent = min(100, round(100 * batch.rows_done / batch.rows_total))
    undo_until = (batch.finished_at or batch.created_at) + datetime.timedelta(
        days=runner.undo_days()
    )
    return {
        "batch": batch,
        "kind_label": importer.label if importer else batch.kind,
        "active": active,
        "percent": percent,
        "may_manage": runner.may_manage_batch(user, batch),
        "can_resume": runner.can_resume(batch),
        "can_undo": runner.undo_refusal(batch) is None,
        "undo_until": undo_until,
        "errors": batch.errors[:SHOWN_ERRORS],
        "preview_columns": list(batch.preview[0]) if batch.preview else [],
        "can_import_for_real": batch.dry_run
        and batch.status == BatchStatus.FINISHED
        and bool(batch.stored_file),
    }


@login_required
@require_GET
def import_batch_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, public_id)
    return render(request, TEMPLATE, _context(request.user, batch))


@login_required
@require_GET
def import_batch_status_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Polled every second while the batch runs; reloads the whole page once it has ended."""
    batch = _batch(request, public_id)
    context = _context(request.user, batch)
    response = render(request, TEMPLATE + "#progress", context)
    if not context["active"]:
        response["HX-Refresh"] = "true"
    return response


def _act(request: HttpRequest, batch: ImportBatch, action: Any, done: str) -> HttpResponse:
    try:
        action(actor=request.user, batch=batch)
    except GuanxiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("import-batch", public_id=batch.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def import_cancel_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, public_id)
    if request.method == "GET":
        return render(request, "platform/imports/confirm_cancel.html", {"batch": batch})
    return _act(
        request,
        batch,
        runner.import_cancel,
        _(
            "The import stops after the rows it is writing now; what it wrote stays until you "
            "undo it."
        ),
    )


@login_required
@require_POST
def import_resume_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, public_id)
    try:
        batch = runner.import_resume(actor=request.user, batch=batch)
    except GuanxiError as error:
        messages.error(request, error.message)
    else:
        enqueue_import(batch)
        messages.success(request, _("The import continues after the last rows it wrote."))
    return redirect("import-batch", public_id=batch.public_id)


@login_required
@require_POST
def import_for_real_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """After a dry run: the same file, mapping and choices, imported for real."""
    dry_run = _batch(request, public_id)
    if not (dry_run.dry_run and dry_run.status == BatchStatus.FINISHED and dry_run.stored_file):
        messages.error(request, _("Only a finished dry run can be imported from."))
        return redirect("import-batch", public_id=dry_run.public_id)
    try:
        batch = runner.import_start(
            actor=request.user,
            kind=dry_run.kind,
            path_or_stream=stored_path(dry_run.stored_file),
            file_name=dry_run.file_name,
            mapping=dry_run.mapping,
            sheet=dry_run.sheet or None,
            on_match=dry_run.on_match,
            options=dry_run.options,
        )
    except GuanxiError as error:
        messages.error(request, error.message)
        return redirect("import-batch", public_id=dry_run.public_id)
    enqueue_import(batch)
    return redirect("import-batch", public_id=batch.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def import_undo_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, public_id)
    if request.method == "GET":
        context = _context(request.user, batch)
        context["refusal"] = runner.undo_refusal(batch)
        return render(request, "platform/imports/confirm_undo.html", context)
    return _act(request, batch, runner.import_undo, _("The import has been undone."))


@login_required
@require_GET
def import_errors_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, public_id)
    response = HttpResponse(error_report_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.public_id}-errors.csv"'
    return response
