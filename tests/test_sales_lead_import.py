"""Lead import through the import framework: a GB18030 sheet of business cards as Chinese Excel
saves it, mapped from its Chinese headers, de-duplicated by phone and e-mail against the file,
the customers and the leads the importer may see; tagged with the event, assigned in turn;
dry run writes nothing; undo takes the batch back."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from guanxi.customers.services.contacts import contact_create
from guanxi.sales.models import Lead
from guanxi.sales.services.leads import lead_create
from tests import import_support

pytestmark = pytest.mark.usefixtures("english", "data_dir", "people")
data_dir = import_support.data_dir

CARDS = [
    "姓名,手机,邮箱,公司,职位,备注",
    "王芳,138 0013 8000,wf@example.com,华联超市,采购经理,要报价",
    "李雷,+86 139-0013-9000,,悦来茶餐厅,店长,",
    "王芳,13800138000,,华联超市,,",  # the same card twice: skipped
    "赵敏,13700137000,,,,",  # already a customer: skipped
    "钱多,13600136000,,新公司,总监,老线索",  # already a lead: updated
    "孙丽,待补充,,,,",  # not a phone number: refused
    ",13500135000,,,,",  # no name: refused
    "周杰,13300133000,,,,",  # a customer the importer may not see: a new lead
]


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    path = tmp_path / "名片.csv"
    path.write_bytes(("\r\n".join(CARDS) + "\r\n").encode("gb18030"))
    return path


def run(*args: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines()


def test_business_cards_from_a_trade_show(people: Any, cards: Path) -> None:
    contact_create(actor=people.owner, name="赵敏", phones=["13700137000"])
    contact_create(actor=people.outsider, name="周杰", phones=["13300133000"], visibility="owner")
    old = lead_create(actor=people.owner, name="钱多", phones=["13600136000"])

    dry = run("leads", str(cards), "--dry-run", "--json", "--as", "owner")
    assert json.loads(dry[-1])["created"] == 3
    assert Lead.objects.count() == 1

    lines = run(
        "leads",
        str(cards),
        "--event",
        "2026上海展",
        "--assign",
        "owner,teammate",
        "--json",
        "--as",
        "owner",
    )
    figures = json.loads(lines[-1])
    assert {k: figures[k] for k in ("created", "updated", "skipped", "refused")} == {
        "created": 3,
        "updated": 1,
        "skipped": 2,
        "refused": 2,
    }
    created = Lead.objects.exclude(pk=old.pk).order_by("pk")
    assert [
        (lead.name, lead.phones, lead.owner.username, lead.utm_campaign) for lead in created
    ] == [
        ("王芳", ["+8613800138000"], "owner", "2026上海展"),
        ("李雷", ["+8613900139000"], "teammate", "2026上海展"),
        ("周杰", ["+8613300133000"], "owner", "2026上海展"),
    ]
    assert created[0].emails == ["wf@example.com"]
    assert (created[0].company, created[0].title, created[0].channel.code) == (
        "华联超市",
        "采购经理",
        "import",
    )
    old.refresh_from_db()
    assert (old.company, old.title, old.message) == ("新公司", "总监", "老线索")

    batch = figures["batch"]
    run("undo", str(batch), "--as", "owner")
    assert Lead.objects.filter(deleted_at__isnull=True).count() == 1
    old.refresh_from_db()
    assert (old.company, old.title) == ("", "")


def test_a_reader_may_not_import_leads(people: Any, cards: Path) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        run("leads", str(cards), "--as", "reader")
    assert Lead.objects.count() == 0
