"""``guanxi import KIND FILE ...`` and ``guanxi import undo BATCH``: what outside tools rely on."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from guanxi.customers.models import Tag
from guanxi.platform.models import AuditEvent, ImportBatch, MappingTemplate
from guanxi.platform.services.mapping_templates import mapping_template_save
from tests import import_support
from tests.import_support import KIND, stored_files, write_csv

pytestmark = pytest.mark.usefixtures("english", "data_dir", "tag_importer", "people")
data_dir = import_support.data_dir
tag_importer = import_support.tag_importer


def run(*args: str) -> tuple[list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def _tags() -> list[str]:
    return sorted(Tag.objects.values_list("name", flat=True))


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "tags.csv", "名称,Label", ["甲,a", "乙,b", ",c", "=1+2,d"])


def test_json_ends_stdout_with_the_figures(sheet):
    lines, err = run(KIND, str(sheet), "--json", "--as", "owner")
    batch = ImportBatch.objects.get()
    assert lines[-1] == (
        f'{{"batch": "{batch.public_id}", "created": 2, "updated": 0, "skipped": 0, "refused": 2}}'
    )
    assert json.loads(lines[-1])["batch"] == str(batch.public_id)
    assert lines[:-1] == [
        f"Import {batch.public_id} of tags.csv: Finished.",
        "Rows read: 4; created: 2, updated: 0, skipped: 0; rows refused: 2 "
        f"({batch.rows_per_second:,.0f} rows/s).",
        "  row 4, name: A name is needed.",
        "  row 5, 名称: The cell starts like a spreadsheet formula (“=1+2”); formulas are not "
        "imported. Remove the leading sign or type the value itself.",
        f"Undo with: guanxi import undo {batch.public_id}",
    ]
    assert "4/4" in err  # the progress bar
    assert (batch.actor.username, _tags()) == ("owner", ["乙", "甲"])


def test_without_as_the_first_administrator_imports(sheet):
    run(KIND, str(sheet))
    assert ImportBatch.objects.get().actor.username == "admin"


def test_map_changes_single_columns_of_the_proposal(sheet):
    lines, _err = run(KIND, str(sheet), "--map", "Label=name", "名称=note", "--json")
    batch = ImportBatch.objects.get()
    assert batch.mapping == {"名称": "note", "Label": "name"}
    assert json.loads(lines[-1])["created"] == 3  # "=1+2" is refused in the note column too
    assert _tags() == ["a", "b", "c"]


def test_map_may_come_before_the_file_and_an_empty_field_ignores_a_column(tmp_path):
    path = write_csv(tmp_path / "tags.csv", "名称,备注", ["甲,x"])
    run(KIND, "--map", "备注=", str(path))
    assert ImportBatch.objects.get().mapping == {"名称": "name"}


def test_a_saved_mapping_template_is_used_and_a_new_one_saved(sheet, people):
    mapping_template_save(actor=people.admin, kind=KIND, name="POS", mapping={"Label": "name"})
    run(KIND, str(sheet), "--mapping", "POS", "--save-mapping", "copy", "--json")
    assert ImportBatch.objects.get().mapping == {"Label": "name"}
    assert _tags() == ["a", "b", "c", "d"]
    assert MappingTemplate.objects.get(name="copy").mapping == {"Label": "name"}


def test_dry_run_writes_nothing_but_gives_the_figures(sheet):
    lines, _err = run(KIND, str(sheet), "--dry-run", "--json")
    batch = ImportBatch.objects.get()
    assert lines[0] == f"Dry run (nothing written) {batch.public_id} of tags.csv: Finished."
    assert json.loads(lines[-1]) == {
        "batch": str(batch.public_id),
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "refused": 2,
    }
    assert Tag.objects.count() == 0 and batch.dry_run
    assert not any(line.startswith("Undo with") for line in lines)


def test_on_match_skip(sheet, people):
    Tag.objects.create(org=people.org, name="甲")
    lines, _err = run(KIND, str(sheet), "--on-match", "skip", "--json")
    figures = json.loads(lines[-1])
    assert (figures["created"], figures["skipped"]) == (1, 1)


def test_undo_prints_what_was_undone(sheet):
    lines, _err = run(KIND, str(sheet), "--json")
    public_id = json.loads(lines[-1])["batch"]
    undone, _err = run("undo", public_id)
    assert undone == [f"Undid import {public_id} of tags.csv: removed: 2, restored: 0."]
    assert Tag.objects.count() == 0
    assert ImportBatch.objects.get().status == "undone"
    with pytest.raises(CommandError, match=re.escape("This import has already been undone.")):
        run("undo", public_id)
    with pytest.raises(CommandError, match=re.escape("No import batch 'nope'.")):
        run("undo", "nope")


def test_bad_input_is_a_command_error_and_writes_nothing(tmp_path, sheet, data_dir):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match=r"^The file is empty\.$"):
        run(KIND, str(empty))
    with pytest.raises(CommandError, match=re.escape("The file has no column “电话”")):
        run(KIND, str(sheet), "--map", "电话=name")
    with pytest.raises(CommandError, match=re.escape("“phone” is not a field you can import")):
        run(KIND, str(sheet), "--map", "Label=phone")
    with pytest.raises(CommandError, match=re.escape("is not COLUMN=FIELD")):
        run(KIND, str(sheet), "--map", "=name")
    with pytest.raises(CommandError, match=re.escape("There is no saved mapping “nope”")):
        run(KIND, str(sheet), "--mapping", "nope")
    with pytest.raises(CommandError, match=re.escape("No such file")):
        run(KIND, str(tmp_path / "missing.csv"))
    with pytest.raises(
        CommandError, match=re.escape("Cannot import 'nothing'; choose one of: orders, ")
    ):
        run("nothing", str(sheet))
    with pytest.raises(CommandError, match=re.escape("No active user named 'ghost'")):
        run(KIND, str(sheet), "--as", "ghost")
    assert ImportBatch.objects.count() == 0 and Tag.objects.count() == 0
    assert stored_files(data_dir) == []
    assert not AuditEvent.objects.filter(verb__startswith="platform.import.").exists()


def test_a_reader_may_not_import(sheet):
    with pytest.raises(CommandError, match=re.escape("You may not import tags.")):
        run(KIND, str(sheet), "--as", "reader")
    assert ImportBatch.objects.count() == 0 and Tag.objects.count() == 0


def test_orders_keep_their_own_import(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,ordered_at,amount\nR-1,C1,2026-01-02,10.50\n", encoding="utf-8"
    )
    lines, _err = run("orders", str(path), "--create-customers", "--batch-size", "10")
    assert lines == [
        "Rows read: 1; orders created: 1, updated: 0, unchanged: 0; customers created: 1, "
        "matched: 0; rows refused: 0."
    ]
    assert ImportBatch.objects.count() == 0


def test_the_command_lives_in_the_workspace_only():
    from django.core.management import get_commands

    assert get_commands()["import"] == "guanxi.workspace"


def test_contacts_end_to_end_with_the_real_importer(tmp_path):
    from guanxi.customers.models import Contact

    path = tmp_path / "members.csv"
    path.write_text("姓名,电话,会员\n张伟,13800138000,M1\n李娜,13900139000,M2\n", "utf-8")
    lines, _err = run("contacts", str(path), "--map", "会员=external_id", "--json", "--as", "owner")
    figures = json.loads(lines[-1])
    batch = ImportBatch.objects.get()
    assert figures == {
        "batch": str(batch.public_id),
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "refused": 0,
    }
    assert batch.mapping == {"姓名": "name", "电话": "phone", "会员": "external_id"}
    assert sorted(Contact.objects.values_list("external_id", flat=True)) == ["M1", "M2"]
    again, _err = run("contacts", str(path), "--map", "会员=external_id", "--json", "--as", "owner")
    assert json.loads(again[-1])["updated"] + json.loads(again[-1])["skipped"] == 2
    assert Contact.objects.count() == 2
    run("undo", figures["batch"])
    assert not Contact.objects.filter(deleted_at__isnull=True, external_id="M1").exists()
