"""The import runner: chunks, progress, resume after a crash, cancel, dry run, two imports of one
file at once, undo and who may do what, with a small test importer writing tags."""

from __future__ import annotations

import datetime
import re
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.utils import timezone

from guanxi.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceValidationError,
)
from guanxi.customers.models import Tag
from guanxi.platform.imports.errors_report import error_report_csv
from guanxi.platform.imports.runner import (
    import_cancel,
    import_resume,
    import_run,
    import_start,
    import_undo,
)
from guanxi.platform.models import AuditEvent, ImportBatch, ImportChange
from guanxi.platform.services.mapping_templates import mapping_template_save
from tests import import_support
from tests.import_support import KIND, stored_files, write_csv

pytestmark = pytest.mark.usefixtures("english", "data_dir", "tag_importer")
data_dir = import_support.data_dir
tag_importer = import_support.tag_importer


def _start(people: Any, path: Path, **options: Any) -> ImportBatch:
    options.setdefault("actor", people.owner)
    return import_start(kind=KIND, path_or_stream=path, file_name=path.name, **options)


def _verbs() -> list[str]:
    return list(
        AuditEvent.objects.filter(verb__startswith="platform.import.")
        .order_by("id")
        .values_list("verb", flat=True)
    )


def _tags() -> list[str]:
    return sorted(Tag.objects.values_list("name", flat=True))


NAMES = ["甲", "乙", "丙", "丁", "戊", "己", "庚"]


def test_start_stores_the_file_and_proposes_the_mapping(people, tmp_path, data_dir):
    path = write_csv(tmp_path / "tags.csv", "名称,备注,其他", NAMES)
    batch = _start(people, path)
    assert (batch.status, batch.kind, batch.file_name, batch.rows_total) == (
        "queued",
        KIND,
        "tags.csv",
        7,
    )
    assert batch.mapping == {"名称": "name", "备注": "note"}
    assert stored_files(data_dir) == [f"{batch.public_id}.csv"]
    assert batch.stored_file == f"imports/{batch.public_id}.csv"
    import hashlib

    assert batch.file_digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert _verbs() == ["platform.import.started"]
    assert Tag.objects.count() == 0


def test_a_run_writes_in_chunks_with_progress(people, tmp_path, tag_importer, data_dir):
    path = write_csv(tmp_path / "tags.csv", "名称", NAMES)
    batch = _start(people, path)
    seen: list[tuple[int, int | None]] = []
    batch = import_run(batch.pk, chunk_size=3, progress=lambda d, t, r: seen.append((d, t)))
    assert tag_importer.chunks == [[2, 3, 4], [5, 6, 7], [8]]
    assert seen == [(3, 7), (6, 7), (7, 7)]
    assert (batch.status, batch.rows_done, batch.last_row, batch.created, batch.refused) == (
        "finished",
        7,
        8,
        7,
        0,
    )
    assert batch.seconds > 0 and batch.finished_at is not None
    assert _tags() == sorted(NAMES)
    assert ImportChange.objects.filter(batch=batch, action="created").count() == 7
    assert _verbs() == ["platform.import.started", "platform.import.finished"]
    finished = AuditEvent.objects.get(verb="platform.import.finished")
    assert finished.changes == {"rows": 7, "created": 7, "updated": 0, "skipped": 0, "refused": 0}
    # A finished import no longer keeps its file; running it again changes nothing.
    assert batch.stored_file == "" and stored_files(data_dir) == []
    assert import_run(batch.pk).created == 7 and Tag.objects.count() == 7


def test_a_crash_mid_file_resumes_without_duplicates(people, tmp_path, tag_importer):
    path = write_csv(tmp_path / "tags.csv", "名称", NAMES)
    batch = _start(people, path)
    tag_importer.crash_on = {"己"}  # row 7, in the second chunk
    with pytest.raises(RuntimeError, match=re.escape("crash at row 7")):
        import_run(batch.pk, chunk_size=3)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_done, batch.last_row, batch.created) == ("failed", 3, 4, 3)
    assert batch.message == "The import stopped because of an internal error; run it again."
    assert _tags() == sorted(NAMES[:3])  # the second chunk was rolled back whole

    batch = import_run(batch.pk, chunk_size=3)
    assert (batch.status, batch.rows_done, batch.created, batch.updated) == ("finished", 7, 7, 0)
    assert _tags() == sorted(NAMES)
    assert ImportChange.objects.filter(batch=batch).count() == 7
    assert tag_importer.chunks[-2:] == [[5, 6, 7], [8]]
    assert _verbs() == [
        "platform.import.started",
        "platform.import.failed",
        "platform.import.finished",
    ]


def test_a_killed_run_left_running_resumes_too(people, tmp_path, tag_importer):
    path = write_csv(tmp_path / "tags.csv", "名称", NAMES)
    batch = _start(people, path)
    import_run(batch.pk, chunk_size=3, progress=_stop_after_first_chunk)
    batch.refresh_from_db()
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", cancel_requested=False)
    batch = import_run(batch.pk, chunk_size=3)
    assert (batch.status, batch.rows_done, batch.created) == ("finished", 7, 7)
    assert Tag.objects.count() == 7


def _stop_after_first_chunk(done: int, total: int | None, rate: float) -> None:
    ImportBatch.objects.update(cancel_requested=True)


def test_cancel_stops_after_the_chunk_and_resume_continues(people, tmp_path):
    path = write_csv(tmp_path / "tags.csv", "名称", NAMES)
    batch = _start(people, path)
    batch = import_run(batch.pk, chunk_size=3, progress=_stop_after_first_chunk)
    assert (batch.status, batch.rows_done, batch.created) == ("cancelled", 3, 3)
    assert _tags() == sorted(NAMES[:3])
    assert _verbs()[-1] == "platform.import.cancelled"

    batch = import_resume(actor=people.owner, batch=batch)
    assert (batch.status, batch.cancel_requested) == ("queued", False)
    batch = import_run(batch.pk, chunk_size=3)
    assert (batch.status, batch.rows_done, batch.created) == ("finished", 7, 7)
    assert _tags() == sorted(NAMES)


def test_cancelling_a_waiting_import_ends_it_before_it_starts(people, tmp_path):
    batch = _start(people, write_csv(tmp_path / "tags.csv", "名称", NAMES))
    batch = import_cancel(actor=people.owner, batch=batch)
    assert batch.status == "cancelled"
    assert import_run(batch.pk).status == "cancelled"
    assert Tag.objects.count() == 0
    with pytest.raises(ConflictError, match=re.escape("not running")):
        import_cancel(actor=people.owner, batch=batch)


def test_cancelling_a_running_import_asks_it_to_stop(people, tmp_path):
    batch = _start(people, write_csv(tmp_path / "tags.csv", "名称", NAMES))
    ImportBatch.objects.filter(pk=batch.pk).update(status="running")
    batch.refresh_from_db()
    batch = import_cancel(actor=people.owner, batch=batch)
    assert (batch.status, batch.cancel_requested) == ("running", True)
    assert import_run(batch.pk).status == "cancelled"
    assert Tag.objects.count() == 0


MIXED = ["甲", "", "=CMD('calc')", "乙", "甲", "+86 138 0013 8000", "@SUM(A1)", "丙"]


def test_a_dry_run_reports_exactly_what_a_real_run_does_and_writes_nothing(
    people, tmp_path, tag_importer
):
    Tag.objects.create(org=people.org, name="丙")
    path = tmp_path / "tags.csv"
    path.write_text("名称,备注\n" + "".join(f"{n},n{i}\n" for i, n in enumerate(MIXED)), "utf-8")
    dry = import_run(_start(people, path, dry_run=True).pk, chunk_size=3)
    # A small file is checked as one chunk: 甲 (rows 2 and 6) counts as created, then updated.
    assert tag_importer.chunks == [[2, 3, 5, 6, 7, 9]]
    assert (dry.status, dry.dry_run, dry.rows_done) == ("finished", True, 8)
    figures = (dry.created, dry.updated, dry.skipped, dry.refused)
    assert figures == (3, 2, 0, 3)
    assert dry.errors == [
        {"row": 3, "column": "name", "message": "A name is needed."},
        {
            "row": 4,
            "column": "名称",
            "message": "The cell starts like a spreadsheet formula (“=CMD('calc')”); formulas "
            "are not imported. Remove the leading sign or type the value itself.",
        },
        {
            "row": 8,
            "column": "名称",
            "message": "The cell starts like a spreadsheet formula (“@SUM(A1)”); formulas are "
            "not imported. Remove the leading sign or type the value itself.",
        },
    ]
    assert dry.preview == [
        {"Name": "甲", "Note": "n0"},
        {"Name": "乙", "Note": "n3"},
        {"Name": "+86 138 0013 8000", "Note": "n5"},
    ]
    assert _tags() == ["丙"] and ImportChange.objects.count() == 0
    assert dry.stored_file  # kept, to import for real from it

    real = import_run(_start(people, path).pk, chunk_size=3)
    assert (real.created, real.updated, real.skipped, real.refused) == figures
    assert real.errors == dry.errors and real.preview == []
    assert _tags() == ["+86 138 0013 8000", "丙", "乙", "甲"]


def test_the_error_report_lists_each_refused_row_in_file_order(people, tmp_path):
    path = tmp_path / "tags.csv"
    path.write_text("名称\n" + "".join(f"{n}\n" for n in MIXED), "utf-8")
    batch = import_run(_start(people, path, dry_run=True).pk, chunk_size=2)
    report = error_report_csv(batch)
    assert report.startswith(b"\xef\xbb\xbf")
    assert report.decode("utf-8-sig").splitlines() == [
        "row,column,reason",
        "4,名称,The cell starts like a spreadsheet formula (“=CMD('calc')”); formulas are not "
        "imported. Remove the leading sign or type the value itself.",
        "8,名称,The cell starts like a spreadsheet formula (“@SUM(A1)”); formulas are not "
        "imported. Remove the leading sign or type the value itself.",
    ]


def test_only_the_first_thousand_reasons_are_kept_but_every_refusal_is_counted(people, tmp_path):
    path = write_csv(tmp_path / "tags.csv", "名称,备注", [",x"] * 1005 + ["甲"])
    batch = import_run(_start(people, path).pk, chunk_size=400)
    assert (batch.refused, len(batch.errors), batch.created) == (1005, 1000, 1)
    assert [e["row"] for e in batch.errors] == list(range(2, 1002))
    lines = error_report_csv(batch).decode("utf-8-sig").splitlines()
    assert len(lines) == 1002
    assert lines[-1] == ',,"… and 5 more refused rows, not listed."'


def test_on_match_skip_and_create(people, tmp_path):
    Tag.objects.create(org=people.org, name="甲")
    path = write_csv(tmp_path / "tags.csv", "名称", ["甲", "乙"])
    skipped = import_run(_start(people, path, on_match=re.escape("skip")).pk)
    assert (skipped.created, skipped.skipped, skipped.updated) == (1, 1, 0)
    created = import_run(_start(people, path, on_match=re.escape("create")).pk)
    assert (created.created, created.refused) == (0, 2)
    with pytest.raises(ServiceValidationError) as refused:
        _start(people, path, on_match=re.escape("merge"))
    assert refused.value.field_errors == {
        "on_match": ["Choose create, update or skip for rows that match a record."]
    }


def test_a_saved_template_or_a_given_mapping_wins_over_the_proposal(people, tmp_path):
    path = write_csv(tmp_path / "tags.csv", "名称,Label", ["甲"])
    mapping_template_save(actor=people.owner, kind=KIND, name="POS", mapping={"Label": "name"})
    assert _start(people, path, template="POS").mapping == {"Label": "name"}
    given = _start(people, path, mapping={"名称": "note", "Label": "name"})
    assert given.mapping == {"名称": "note", "Label": "name"}
    with pytest.raises(NotFoundError):
        _start(people, path, template="nope")


def test_bad_files_and_mappings_leave_nothing_behind(people, tmp_path, data_dir):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ServiceValidationError) as error:
        _start(people, empty)
    assert error.value.field_errors == {"file": ["The file is empty."]}
    unmapped = write_csv(tmp_path / "other.csv", "x,y", ["1,2"])
    with pytest.raises(ServiceValidationError) as error:
        _start(people, unmapped)
    assert list(error.value.field_errors) == ["mapping"]
    big = write_csv(tmp_path / "big.csv", "名称", ["甲" * 100] * 100)
    with pytest.raises(ServiceValidationError) as error:
        _start(people, big, max_bytes=1000)
    assert list(error.value.field_errors) == ["file"]
    assert ImportBatch.objects.count() == 0 and stored_files(data_dir) == []
    assert _verbs() == [] and Tag.objects.count() == 0


def test_undo_removes_what_the_import_created(people, tmp_path):
    Tag.objects.create(org=people.org, name="甲")
    path = write_csv(tmp_path / "tags.csv", "名称", ["甲", "乙", "丙"])
    batch = import_run(_start(people, path).pk)
    assert _tags() == ["丙", "乙", "甲"]
    counts = import_undo(actor=people.owner, batch=batch)
    assert counts == {"removed": 2, "restored": 1}
    batch.refresh_from_db()
    assert batch.status == "undone" and batch.undone_at is not None
    assert _tags() == ["甲"]
    event = AuditEvent.objects.get(verb="platform.import.undone")
    assert (event.actor, event.target_id, event.changes) == (people.owner, batch.pk, counts)


def test_an_administrator_may_undo_anyones_import(people, tmp_path):
    batch = import_run(_start(people, write_csv(tmp_path / "t.csv", "名称", ["甲"])).pk)
    assert import_undo(actor=people.admin, batch=batch) == {"removed": 1, "restored": 0}


def test_undo_is_refused_when_it_cannot_apply(people, tmp_path):
    path = write_csv(tmp_path / "tags.csv", "名称", ["甲"])
    dry = import_run(_start(people, path, dry_run=True).pk)
    with pytest.raises(ConflictError, match=re.escape("A dry run wrote nothing")):
        import_undo(actor=people.owner, batch=dry)

    waiting = _start(people, path)
    with pytest.raises(ConflictError, match=re.escape("still running")):
        import_undo(actor=people.owner, batch=waiting)

    old = import_run(_start(people, path).pk)
    ImportBatch.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=31)
    )
    with pytest.raises(ConflictError) as too_old:
        import_undo(actor=people.owner, batch=old)
    assert too_old.value.status == 409
    assert too_old.value.message == "An import can be undone for 30 days; this one is older."

    ImportBatch.objects.filter(pk=old.pk).update(finished_at=timezone.now())
    import_undo(actor=people.owner, batch=old)
    with pytest.raises(ConflictError, match=re.escape("already been undone")):
        import_undo(actor=people.owner, batch=old)
    assert _verbs().count("platform.import.undone") == 1


@pytest.mark.parametrize("who", ["outsider", "teammate", "reader", "anonymous"])
def test_others_may_not_cancel_resume_or_undo(people, tmp_path, who):
    actor = AnonymousUser() if who == "anonymous" else getattr(people, who)
    batch = import_run(_start(people, write_csv(tmp_path / "t.csv", "名称", ["甲"])).pk)
    before = _verbs()
    for action in (import_undo, import_cancel, import_resume):
        with pytest.raises(PermissionDeniedError):
            action(actor=actor, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "finished" and _tags() == ["甲"] and _verbs() == before


@pytest.mark.parametrize("who", ["reader", "anonymous"])
def test_those_without_the_permission_may_not_import(people, tmp_path, data_dir, who):
    actor = AnonymousUser() if who == "anonymous" else people.reader
    with pytest.raises(PermissionDeniedError):
        _start(people, write_csv(tmp_path / "t.csv", "名称", ["甲"]), actor=actor)
    assert ImportBatch.objects.count() == 0 and stored_files(data_dir) == []


def test_an_unknown_kind_is_refused(people, tmp_path):
    with pytest.raises(NotFoundError):
        import_start(actor=people.owner, kind="nope", path_or_stream=tmp_path, file_name="x.csv")


def test_the_task_runs_the_batch_once_it_is_committed(
    people, tmp_path, settings, django_capture_on_commit_callbacks
):
    from guanxi.platform.imports.tasks import enqueue_import

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    batch = _start(people, write_csv(tmp_path / "t.csv", "名称", ["甲", "乙"]))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_import(batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("finished", 2)


# --- two imports of one file at once ------------------------------------------------------------


def _on_disk_copy(tmp_path: Path) -> Path | None:
    """SQLite's in-memory test database locks whole tables between threads (shared cache)
    instead of queueing writers; the threads use an on-disk copy, as a real install does."""
    if connection.vendor != "sqlite":
        return None
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    return path


def _use_database(path: Path | None) -> None:
    if path is not None:
        settings_dict = {**connections["default"].settings_dict, "NAME": str(path)}
        connections["default"] = type(connections["default"])(settings_dict, "default")


def _count(path: Path | None, sql: str) -> list[Any]:
    if path is None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    with closing(sqlite3.connect(path)) as database:
        return list(database.execute(sql).fetchall())


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_write_each_record_once(people, tmp_path):
    names = [f"标签{i % 30}" for i in range(90)]
    path = write_csv(tmp_path / "tags.csv", "名称", names)
    batches = [_start(people, path) for _ in range(2)]
    database = _on_disk_copy(tmp_path)
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(batch_id: int) -> None:
        try:
            _use_database(database)
            barrier.wait(timeout=30)
            import_run(batch_id, chunk_size=7)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=run, args=(b.pk,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    figures = _count(
        database, "SELECT status, created, updated FROM platform_importbatch ORDER BY id"
    )
    assert [status for status, _created, _updated in figures] == ["finished", "finished"]
    assert sum(created for _status, created, _updated in figures) == 30
    assert [created + updated for _status, created, updated in figures] == [90, 90]
    assert _count(database, "SELECT COUNT(*), COUNT(DISTINCT name) FROM customers_tag") == [
        (30, 30)
    ]
    created = "SELECT COUNT(*) FROM platform_importchange WHERE action = 'created'"
    assert _count(database, created) == [(30,)]


def test_kept_files_are_removed_with_the_daily_purge_once_past_the_undo_window(
    people, tmp_path, data_dir
):
    from guanxi.customers.tasks import purge_deleted_customers

    path = write_csv(tmp_path / "tags.csv", "名称", ["甲"])
    old = import_run(_start(people, path, dry_run=True).pk)
    recent = import_run(_start(people, path, dry_run=True).pk)
    assert len(stored_files(data_dir)) == 2
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert purge_deleted_customers.call()["import_files"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.stored_file, recent.stored_file != "") == ("", True)
    assert stored_files(data_dir) == [Path(recent.stored_file).name]
    assert purge_deleted_customers.call()["import_files"] == 0
