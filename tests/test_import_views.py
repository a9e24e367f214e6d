"""The import pages step by step: choose, upload, (sheet), map, dry run, import, cancel, undo,
error report; who may see and do what, and that a refused request writes nothing."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client

from guanxi.customers.models import Tag
from guanxi.platform.imports.runner import import_run, import_start
from guanxi.platform.models import AuditEvent, ImportBatch, MappingTemplate
from guanxi.platform.services.mapping_templates import mapping_template_save
from tests import import_support
from tests.import_support import KIND, stored_files

pytestmark = pytest.mark.usefixtures("data_dir", "tag_importer")
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CSV = "名称,备注\n甲,一\n乙,二\n,三\n=CMD(),四\n".encode()
data_dir = import_support.data_dir
tag_importer = import_support.tag_importer


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """The background worker's job runs at once, as the worker would run it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, content: bytes = CSV, name: str = "tags.csv") -> Any:
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(f"/imports/new/{KIND}/", {"file": upload}, **ENGLISH)


def _mapped(client: Client, **data: str) -> Any:
    response = _upload(client)
    assert response.status_code == 302
    data.setdefault("on_match", "update")
    data.setdefault("column_0", "name")
    data.setdefault("column_1", "note")
    return client.post(response["Location"], data, **ENGLISH)


def _import_changes() -> list[str]:
    return list(
        AuditEvent.objects.filter(verb__startswith="platform.import.").values_list(
            "verb", flat=True
        )
    )


def test_the_home_page_offers_the_kinds_and_lists_recent_imports(people):
    client = _client(people.owner)
    html = client.get("/imports/", **ENGLISH).content.decode()
    assert f'href="/imports/new/{KIND}/"' in html
    assert "No imports yet." in html
    assert '<a href="/imports/">Import</a>' in client.get("/", **ENGLISH).content.decode()

    batch = import_run(
        import_start(
            actor=people.owner,
            kind=KIND,
            path_or_stream=io.BytesIO(CSV),
            file_name="mine.csv",
        ).pk
    )
    html = client.get("/imports/", **ENGLISH).content.decode()
    assert f'<a href="/imports/{batch.public_id}/">mine.csv</a>' in html
    assert "<td>Finished</td>" in html
    # Someone else's import is not listed to a colleague, but is to an administrator.
    assert "mine.csv" not in _client(people.teammate).get("/imports/").content.decode()
    assert "mine.csv" in _client(people.admin).get("/imports/").content.decode()


def test_upload_then_the_mapping_table_with_samples_and_the_proposal(people):
    client = _client(people.owner)
    form = client.get(f"/imports/new/{KIND}/", **ENGLISH).content.decode()
    assert 'accept=".csv,.txt,.tsv,.xlsx,.xlsm,.vcf,.vcard"' in form
    response = _upload(client)
    assert response.status_code == 302
    assert re.fullmatch(rf"/imports/new/{KIND}/[0-9a-f-]{{36}}/", response["Location"])
    html = client.get(response["Location"], **ENGLISH).content.decode()
    assert '<span class="sample">甲</span><br><span class="sample">乙</span>' in html
    assert '<option value="name" selected>Name</option>' in html
    assert '<option value="note" selected>Note</option>' in html
    assert 'value="dry_run"' in html and "Import without a dry run" in html
    assert ImportBatch.objects.count() == 0  # nothing starts before the user confirms


def test_an_upload_that_cannot_be_read_says_why_and_keeps_nothing(people, data_dir, settings):
    client = _client(people.owner)
    assert "The submitted file is empty." in _upload(client, b"").content.decode()
    assert "The file is empty." in _upload(client, b"\r\n  \r\n").content.decode()
    settings.GUANXI_IMPORT_MAX_BYTES = 10
    html = _upload(client).content.decode()
    assert "The file is larger than 1 MB." in html
    assert stored_files(data_dir) == [] and ImportBatch.objects.count() == 0


def test_a_mapping_that_cannot_work_is_refused_beside_the_table(people, data_dir):
    client = _client(people.owner)
    html = _mapped(client, column_0="", column_1="note").content.decode()
    assert "The file has no column for Name." in html
    assert ImportBatch.objects.count() == 0 and not _import_changes()


def test_dry_run_then_import_then_undo(people, immediate_tasks, django_capture_on_commit_callbacks):
    client = _client(people.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _mapped(client, save_as="Till export")
    dry = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{dry.public_id}/"
    assert (dry.dry_run, dry.status, dry.created, dry.refused) == (True, "finished", 2, 2)
    assert MappingTemplate.objects.get().mapping == {"名称": "name", "备注": "note"}
    assert Tag.objects.count() == 0
    html = client.get(response["Location"], **ENGLISH).content.decode()
    assert "This was a dry run: nothing was written." in html
    assert '<dd data-figure="created">2</dd>' in html
    assert "<td>甲</td><td>一</td>" in html  # the preview
    assert "<td>4</td><td>name</td><td>A name is needed.</td>" in html
    assert f'href="/imports/{dry.public_id}/errors.csv"' in html
    assert "Import now" in html and "Undo this import" not in html

    report = client.get(f"/imports/{dry.public_id}/errors.csv", **ENGLISH)
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert report.content.decode("utf-8-sig").splitlines()[:2] == [
        "row,column,reason",
        "4,name,A name is needed.",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{dry.public_id}/import/", **ENGLISH)
    real = ImportBatch.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == f"/imports/{real.public_id}/"
    assert (real.dry_run, real.status, real.created, real.mapping) == (
        False,
        "finished",
        2,
        dry.mapping,
    )
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["乙", "甲"]
    html = client.get(response["Location"], **ENGLISH).content.decode()
    assert f'href="/imports/{real.public_id}/undo/"' in html and "possible until" in html

    confirm = client.get(f"/imports/{real.public_id}/undo/", **ENGLISH).content.decode()
    assert "The 2 records it created are removed" in confirm
    assert Tag.objects.count() == 2  # asking is not doing
    response = client.post(f"/imports/{real.public_id}/undo/", follow=True, **ENGLISH)
    assert "The import has been undone." in response.content.decode()
    assert Tag.objects.count() == 0
    real.refresh_from_db()
    assert real.status == "undone"
    again = client.post(f"/imports/{real.public_id}/undo/", follow=True, **ENGLISH)
    assert "This import has already been undone." in again.content.decode()


def test_the_import_is_queued_for_the_worker(people, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    client = _client(people.owner)
    with django_capture_on_commit_callbacks(execute=True):
        _mapped(client, action="import")
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.dry_run) == ("queued", False)
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "guanxi.platform.imports.tasks.run_import"
    assert task.args_kwargs == {"args": [batch.pk], "kwargs": {}}

    status = client.get(f"/imports/{batch.public_id}/status/", **ENGLISH)
    html = status.content.decode()
    assert 'hx-trigger="every 1s"' in html and "Waiting for the background worker" in html
    assert "HX-Refresh" not in status

    from guanxi.platform.imports.tasks import run_import

    assert run_import.call(batch.pk) == "finished"
    status = client.get(f"/imports/{batch.public_id}/status/", **ENGLISH)
    assert status["HX-Refresh"] == "true"
    assert 'hx-trigger="every 1s"' not in status.content.decode()


def test_cancel_asks_first_then_stops_the_import(people):
    batch = import_start(
        actor=people.owner, kind=KIND, path_or_stream=io.BytesIO(CSV), file_name="t.csv"
    )
    client = _client(people.owner)
    html = client.get(f"/imports/{batch.public_id}/", **ENGLISH).content.decode()
    assert f'href="/imports/{batch.public_id}/cancel/"' in html
    confirm = client.get(f"/imports/{batch.public_id}/cancel/", **ENGLISH).content.decode()
    assert "Cancel the import of t.csv?" in confirm
    batch.refresh_from_db()
    assert batch.status == "queued"
    client.post(f"/imports/{batch.public_id}/cancel/", **ENGLISH)
    batch.refresh_from_db()
    assert batch.status == "cancelled"
    html = client.get(f"/imports/{batch.public_id}/", **ENGLISH).content.decode()
    assert "Resume the import" in html


def test_saved_templates_can_be_applied(people):
    mapping_template_save(actor=people.owner, kind=KIND, name="Backwards", mapping={"备注": "name"})
    client = _client(people.owner)
    location = _upload(client)["Location"]
    html = client.get(location + "?template=Backwards", **ENGLISH).content.decode()
    assert '<option value="Backwards" selected>Backwards</option>' in html
    first, second = re.findall(r'<select name="column_\d".*?</select>', html, re.S)
    assert '<option value="" selected>' in first and '<option value="name" selected>' in second


def test_a_workbook_with_several_sheets_asks_which_one(people):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["whatever"])
    tags = book.create_sheet("Tags")
    tags.append(["名称"])
    tags.append(["甲"])
    content = io.BytesIO()
    book.save(content)
    client = _client(people.owner)
    location = _upload(client, content.getvalue(), "book.xlsx")["Location"]
    html = client.get(location, **ENGLISH).content.decode()
    assert "has several sheets" in html
    assert '<option value="Notes">Notes</option><option value="Tags">Tags</option>' in html
    html = client.get(location + "?sheet=Tags", **ENGLISH).content.decode()
    assert '<option value="name" selected>Name</option>' in html
    assert '<input type="hidden" name="sheet" value="Tags">' in html


def test_anonymous_visitors_are_sent_to_sign_in(people):
    batch = import_start(
        actor=people.owner, kind=KIND, path_or_stream=io.BytesIO(CSV), file_name="t.csv"
    )
    anonymous = Client()
    for path in (
        "/imports/",
        f"/imports/new/{KIND}/",
        f"/imports/{batch.public_id}/",
        f"/imports/{batch.public_id}/status/",
        f"/imports/{batch.public_id}/errors.csv",
    ):
        response = anonymous.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), path
    for path in ("cancel", "undo", "import", "resume"):
        response = anonymous.post(f"/imports/{batch.public_id}/{path}/")
        assert response.status_code == 302, path
    batch.refresh_from_db()
    assert batch.status == "queued" and _import_changes() == ["platform.import.started"]


def test_a_role_without_the_import_permission_is_refused(people, data_dir):
    client = _client(people.reader)
    assert client.get("/imports/").status_code == 403
    assert client.get(f"/imports/new/{KIND}/").status_code == 403
    assert _upload(client).status_code == 403
    assert "/imports/" not in client.get("/", **ENGLISH).content.decode()
    assert stored_files(data_dir) == [] and ImportBatch.objects.count() == 0


def test_an_unknown_kind_is_not_found(people):
    assert _client(people.owner).get("/imports/new/nothing/").status_code == 404


def test_others_do_not_see_someone_elses_batch(people):
    batch = import_run(
        import_start(
            actor=people.owner, kind=KIND, path_or_stream=io.BytesIO(CSV), file_name="t.csv"
        ).pk
    )
    before = _import_changes()
    for who in ("teammate", "outsider", "manager"):
        client = _client(getattr(people, who))
        assert client.get(f"/imports/{batch.public_id}/").status_code == 404
        assert client.get(f"/imports/{batch.public_id}/errors.csv").status_code == 404
        assert client.post(f"/imports/{batch.public_id}/undo/").status_code == 404
        assert client.post(f"/imports/{batch.public_id}/cancel/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == "finished" and Tag.objects.count() == 2
    assert _import_changes() == before
    assert _client(people.admin).get(f"/imports/{batch.public_id}/").status_code == 200


def test_an_upload_token_belongs_to_its_session(people):
    location = _upload(_client(people.owner))["Location"]
    assert _client(people.owner).get(location).status_code == 404
    assert _client(people.teammate).get(location).status_code == 404


def test_pages_are_translated(people):
    client = _client(people.owner)
    html = client.get("/imports/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>导入</h1>" in html
