"""Assignment rules: new leads without an owner go round-robin within a team, the lead's region's
rule before the rule for everywhere, skipping reps at their open-lead cap; web forms and lead
imports (``--assign auto``) use them; only administrators set them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from guanxi.platform.services.users import team_create
from guanxi.sales.models import AssignmentRule, Lead
from guanxi.sales.services.assignment import assignment_rule_create, owner_by_rules
from guanxi.sales.services.lead_forms import lead_form_create, lead_form_submit
from guanxi.sales.services.leads import lead_create
from tests import import_support

pytestmark = pytest.mark.usefixtures("english", "data_dir")
data_dir = import_support.data_dir
EN = {"Accept-Language": "en"}


def test_round_robin_by_region_under_a_cap(people: Any) -> None:
    east = assignment_rule_create(
        actor=people.admin, name="华东", team=people.team, province="上海"
    )
    south = assignment_rule_create(
        actor=people.admin, name="全国", team=people.other_team, open_lead_cap=2
    )
    assert (east.province, south.province) == ("上海市", "")
    org = people.org.pk
    # The East team's reps in turn (the manager holds leads too: a seller).
    turns = [owner_by_rules(org, "上海市").username for _ in range(4)]
    assert turns == ["manager", "owner", "teammate", "manager"]
    # Elsewhere: the national rule, the South team, whose one rep has a cap of 2 open leads.
    first = owner_by_rules(org, "广东省")
    assert first is not None and first.username == "outsider"
    for index in range(2):
        lead_create(actor=people.outsider, name="客户", phones=[f"1390000000{index}"])
    assert owner_by_rules(org, "广东省") is None  # everyone at the cap: the caller decides
    AssignmentRule.objects.filter(pk=east.pk).update(active=False)
    assert owner_by_rules(org, "上海市") is None


def test_web_form_leads_follow_the_rules(people: Any) -> None:
    form = lead_form_create(actor=people.admin, name="官网", owner=people.manager)
    visitor = {"name": "陈静", "phone": "13912345678"}
    lead_form_submit(slug=form.slug, data=visitor, address="203.0.113.1")
    assert Lead.objects.get().owner == people.manager  # no rule yet: the form's owner
    assignment_rule_create(actor=people.admin, name="南区", team=people.other_team)
    lead_form_submit(
        slug=form.slug, data={**visitor, "phone": "13912345679"}, address="203.0.113.2"
    )
    assert Lead.objects.order_by("-pk").first().owner == people.outsider


def test_import_with_automatic_assignment(people: Any, tmp_path: Path) -> None:
    assignment_rule_create(actor=people.admin, name="华东", team=people.team, province="上海")
    assignment_rule_create(actor=people.admin, name="其他", team=people.other_team)
    sheet = tmp_path / "名片.csv"
    rows = ["姓名,手机,省", "甲,13800000001,上海", "乙,13800000002,广东", "丙,13800000003,上海"]
    sheet.write_bytes(("\r\n".join(rows) + "\r\n").encode("gb18030"))
    out = io.StringIO()
    call_command(
        "import",
        "leads",
        str(sheet),
        "--assign",
        "auto",
        "--json",
        "--as",
        "admin",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert json.loads(out.getvalue().splitlines()[-1])["created"] == 3
    owners = dict(Lead.objects.values_list("name", "owner__username"))
    assert owners == {"甲": "manager", "乙": "outsider", "丙": "owner"}


def test_only_administrators_set_rules(people: Any, api_for: Any) -> None:
    body = {"name": "华东", "team_id": str(people.team.public_id), "province": "上海"}
    assert api_for(people.manager).post("/api/v1/assignment-rules", body, **EN).status_code == 403
    assert api_for(None).post("/api/v1/assignment-rules", body).status_code == 401
    assert AssignmentRule.objects.count() == 0
    made = api_for(people.admin).post("/api/v1/assignment-rules", body, **EN)
    assert made.status_code == 201, made.content
    assert (made.json()["province"], made.json()["team"]) == ("上海市", "East")
    bad = api_for(people.admin).post("/api/v1/assignment-rules", {**body, "province": "火星"}, **EN)
    assert bad.status_code == 422
    other = team_create(actor=None, org=people.org, name="空团队")
    empty = assignment_rule_create(actor=people.admin, name="空", team=other)
    assert empty.position == 1
    listed = api_for(people.owner).get("/api/v1/assignment-rules", **EN).json()
    assert [rule["name"] for rule in listed] == ["华东", "空"]


def test_an_import_counts_its_own_leads_against_the_cap(people: Any, tmp_path: Path) -> None:
    assignment_rule_create(actor=people.admin, name="华东", team=people.team, open_lead_cap=1)
    sheet = tmp_path / "名片.csv"
    rows = ["姓名,手机"] + [f"客户{i},1380000001{i}" for i in range(5)]
    sheet.write_bytes(("\r\n".join(rows) + "\r\n").encode("gb18030"))
    dry = io.StringIO()
    call_command(
        "import",
        "leads",
        str(sheet),
        "--assign",
        "auto",
        "--dry-run",
        "--json",
        "--as",
        "admin",
        stdout=dry,
        stderr=io.StringIO(),
    )
    assert AssignmentRule.objects.get().last_owner_id is None  # a dry run writes nothing
    call_command(
        "import",
        "leads",
        str(sheet),
        "--assign",
        "auto",
        "--json",
        "--as",
        "admin",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    owners = sorted(Lead.objects.values_list("owner__username", flat=True))
    # One each for the three East sellers (cap 1); the rest stay with the importing user.
    assert owners == ["admin", "admin", "manager", "owner", "teammate"]
