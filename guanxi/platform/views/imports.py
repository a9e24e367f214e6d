"""The import pages before a batch exists: choose what to import, upload a file, map its columns.

The uploaded file waits in ``GUANXI_DATA_DIR/imports/uploads/`` under a random token that only
this session knows, until the user starts a dry run or the import (``import_start`` copies it
into the batch). Uploads left behind are cleared after a day.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error
from guanxi.platform.imports import formats, mapping
from guanxi.platform.imports.forms import MappingForm, UploadForm
from guanxi.platform.imports.registry import Importer
from guanxi.platform.imports.runner import import_start
from guanxi.platform.imports.selectors import (
    batches_visible_to,
    importers_for,
    mapping_templates,
)
from guanxi.platform.imports.storage import (
    imports_dir,
    remove_older_than,
    safe_extension,
    store_copy,
    too_large,
)
from guanxi.platform.imports.tasks import enqueue_import

SESSION_KEY = "import_uploads"
SAMPLE_ROWS = 3
UPLOADS_KEPT_SECONDS = 24 * 3600
RECENT = 20


def max_upload_bytes() -> int:
    return int(getattr(settings, "GUANXI_IMPORT_MAX_BYTES", 100 * 1024 * 1024))


def allowed_importer(user: Any, kind: str) -> Importer:
    """404 for a kind nobody registered, 403 for one this user may not import."""
    allowed = {importer.kind: importer for importer in importers_for(user)}
    if kind in allowed:
        return allowed[kind]
    from guanxi.platform.imports.registry import importer_for

    if importer_for(kind) is None:
        raise Http404
    raise PermissionDenied


@login_required
def import_home_view(request: HttpRequest) -> HttpResponse:
    importers = importers_for(request.user)
    if not importers:
        raise PermissionDenied
    recent = batches_visible_to(request.user)[:RECENT]
    return render(request, "platform/imports/home.html", {"importers": importers, "recent": recent})


def _uploads_dir() -> Path:
    return imports_dir() / "uploads"


def _upload(request: HttpRequest, kind: str, token: uuid.UUID) -> tuple[dict[str, str], Path]:
    entry = request.session.get(SESSION_KEY, {}).get(str(token))
    if not entry or entry.get("kind") != kind:
        raise Http404
    path = _uploads_dir() / f"{token}{entry['extension']}"
    if not path.is_file():
        raise Http404
    return entry, path


@login_required
@require_http_methods(["GET", "POST"])
def import_upload_view(request: HttpRequest, kind: str) -> HttpResponse:
    importer = allowed_importer(request.user, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = uuid.uuid4()
        extension = safe_extension(upload.name)
        path = _uploads_dir() / f"{token}{extension}"
        remove_older_than(_uploads_dir(), UPLOADS_KEPT_SECONDS)
        try:
            if upload.size > max_upload_bytes():
                raise too_large(max_upload_bytes())
            store_copy(upload, path, max_bytes=max_upload_bytes())
            with path.open("rb") as stream:
                formats.open_source(stream, name=upload.name, count_rows=False)
        except GuanxiError as error:
            path.unlink(missing_ok=True)
            add_service_error(form, error)
        else:
            uploads = request.session.get(SESSION_KEY, {})
            uploads[str(token)] = {"kind": kind, "file_name": upload.name, "extension": extension}
            request.session[SESSION_KEY] = uploads
            return redirect("import-map", kind=kind, token=token)
    return render(request, "platform/imports/upload.html", {"importer": importer, "form": form})


def _read_head(path: Path, file_name: str, sheet: str | None) -> tuple[Any, list[list[str]]]:
    with path.open("rb") as stream:
        source = formats.open_source(stream, name=file_name, sheet=sheet, count_rows=False)
        samples = []
        for _number, cells in source.rows:
            samples.append(cells)
            if len(samples) == SAMPLE_ROWS:
                break
    return source, samples


def _start_mapping(user: Any, importer: Importer, columns: list[str], template: str) -> dict:
    chosen = mapping_templates(user, importer.kind).filter(name=template).first()
    if chosen is not None:
        return dict(chosen.mapping)
    return mapping.propose_mapping(columns, importer.fields(user))


@login_required
@require_http_methods(["GET", "POST"])
def import_map_view(request: HttpRequest, kind: str, token: uuid.UUID) -> HttpResponse:
    importer = allowed_importer(request.user, kind)
    entry, path = _upload(request, kind, token)
    sheet = request.POST.get("sheet") or request.GET.get("sheet") or None
    context: dict[str, Any] = {"importer": importer, "file_name": entry["file_name"]}
    try:
        source, samples = _read_head(path, entry["file_name"], sheet)
    except GuanxiError as error:
        context["error"] = error.message
        return render(request, "platform/imports/unreadable.html", context, status=422)
    if len(source.sheets) > 1 and sheet is None:
        context["sheets"] = source.sheets
        return render(request, "platform/imports/sheet.html", context)
    columns = list(source.columns)
    template = request.GET.get("template", "")
    form = MappingForm(
        request.POST or None,
        columns=columns,
        fields=importer.fields(request.user),
        mapping=_start_mapping(request.user, importer, columns, template),
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = _start(request, importer, form, path, entry["file_name"], source.sheet)
        except GuanxiError as error:
            add_service_error(form, error)
        else:
            enqueue_import(batch)
            return redirect("import-batch", public_id=batch.public_id)
    samples_by_column = [
        [row[index] for row in samples if index < len(row) and row[index]]
        for index in range(len(columns))
    ]
    context |= {
        "form": form,
        "rows": list(zip(columns, samples_by_column, form.column_fields(), strict=True)),
        "sheet": source.sheet,
        "sheets": source.sheets,
        "templates": mapping_templates(request.user, kind),
        "template": template,
    }
    return render(request, "platform/imports/map.html", context)


def _start(
    request: HttpRequest,
    importer: Importer,
    form: MappingForm,
    path: Path,
    file_name: str,
    sheet: str,
) -> Any:
    from guanxi.platform.services.mapping_templates import mapping_template_save

    chosen = form.mapping()
    if form.cleaned_data["save_as"]:
        # Saved first: a mapping worth keeping stays even when this file turns out unreadable.
        name = form.cleaned_data["save_as"]
        mapping_template_save(actor=request.user, kind=importer.kind, name=name, mapping=chosen)
    return import_start(
        actor=request.user,
        kind=importer.kind,
        path_or_stream=path,
        file_name=file_name,
        mapping=chosen,
        sheet=sheet or None,
        on_match=form.cleaned_data["on_match"],
        dry_run=request.POST.get("action") != "import",
        max_bytes=max_upload_bytes(),
    )
