"""``python bench/kanban_forecast.py [--opportunities N] [--requests R]``: board and forecast.

The sales issue's goal: the opportunity board and the forecast with 100,000 open opportunities,
p95 < 150 ms. A fresh database (temporary ``GUANXI_DATA_DIR``) gets four teams of six sales reps
and a manager of two of them, 10,000 companies (``--accounts``) with a contact each,
``--opportunities`` open deals (default 100,000) across the default pipeline's open stages and
``--closed`` won or lost ones (default a fifth of that), with amounts, forecast categories,
visibility (organisation, team, owner only) and expected close dates spread over a year, and each
deal's stage history. It is written through the bulk path (set-up, not measured), then
``ANALYZE``.

Measured with the Django test client in-process (warm, no network), logged in as a sales rep and
as the manager: the board ``GET /opportunities/``, the forecast page ``GET /forecast/?period=``
and the API ``GET /api/v1/forecast?period=`` (Bearer token) for the current quarter, ``--requests``
timed requests each (default 30) after ``--warm`` untimed ones, with the queries one request
makes. Beside them, in the same run: ``/healthz`` (one trivial query) and three bare reads of the
opportunities table: ``SELECT COUNT(*)``, one page of 100 rows, and the amounts of the open deals
summed (a full scan, the least a forecast reads without an index on the close dates).

``--data-dir DIR`` keeps the SQLite directory and reuses it on the next run. PostgreSQL:
``scripts/with-postgres .venv/bin/python bench/kanban_forecast.py``. Writes
bench/results/kanban_forecast.json and prints a short table.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 150.0
TEAMS = ["华东", "华南", "华北", "西部"]
REPS_PER_TEAM = 6
DEAL_NAMES = ["会员系统", "门店收银升级", "年度服务合同", "积分商城", "Hotel CRM rollout"]
REASONS = ["价格太高", "选择了竞争对手", "项目取消", "No budget this year", "关系好", "功能满足"]
# Open deals thin out towards the later stages; won deals mostly went far, lost ones mostly not.
OPEN_WEIGHTS = [30, 25, 20, 15, 10]
WON_REACHED = [5, 10, 20, 30, 35]
LOST_REACHED = [35, 25, 20, 12, 8]
CATEGORIES = [("pipeline", 60), ("best_case", 20), ("commit", 15), ("omitted", 5)]
VISIBILITY = [("org", 75), ("team", 20), ("owner", 5)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(values: list[float], queries: int | None = None) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "p50_ms": round(statistics.median(values) * 1000, 2),
        "p95_ms": round(percentile(values, 95) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
        "n": len(values),
    }
    if queries is not None:
        figures["queries"] = queries
    return figures


def make_people() -> tuple[Any, Any, list[Any], Any]:
    """Four teams of reps, a manager of the first two teams, and the administrator."""
    from guanxi.platform.models import User
    from guanxi.platform.roles import Role
    from guanxi.platform.services.users import (
        default_organization,
        team_create,
        team_set_managers,
        user_create,
    )

    org = default_organization()
    admin = User.objects.get(username="admin")
    teams = [team_create(actor=None, org=org, name=name) for name in TEAMS]
    reps = [
        user_create(
            actor=None,
            username=f"rep{t}{n}",
            password=None,
            org=org,
            role=Role.SALES_REP,
            team=team,
            first_name=f"销售{t}{n}",
            check_password=False,
        )
        for t, team in enumerate(teams)
        for n in range(REPS_PER_TEAM)
    ]
    manager = user_create(
        actor=None,
        username="manager",
        password=None,
        org=org,
        role=Role.MANAGER,
        team=teams[0],
        first_name="经理",
        check_password=False,
    )
    for team in teams[:2]:
        team_set_managers(actor=None, team=team, managers=[manager])
    return admin, manager, reps, teams


def make_customers(admin: Any, owners: list[Any], count: int, rng: random.Random) -> list[int]:
    """``count`` companies, each with one contact, owned across the sales force."""
    from django.db import transaction

    from guanxi.customers.services.imported import (
        NewAccount,
        NewContact,
        accounts_insert,
        contacts_insert,
    )

    with transaction.atomic():
        accounts = accounts_insert(
            actor=admin,
            accounts=[
                NewAccount(name=f"{rng.choice('王李张刘陈杨黄赵')}氏商贸有限公司{n}", owner=o)
                for n in range(count)
                for o in [rng.choice(owners)]
            ],
        )
    for start in range(0, count, 5000):
        with transaction.atomic():
            contacts_insert(
                actor=admin,
                contacts=[
                    NewContact(
                        name=f"{rng.choice('王李张刘陈杨黄赵')}经理{n}",
                        fields={
                            "account_id": accounts[n],
                            "visibility": _draw(rng, VISIBILITY),
                        },
                        owner=rng.choice(owners),
                    )
                    for n in range(start, min(start + 5000, count))
                ],
            )
    return accounts


def _draw(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def make_deals(
    owners: list[Any], accounts: list[int], open_count: int, closed: int, seed: int
) -> dict[str, int]:
    """The deals and their stage history, through ``insert_rows`` (ids in a shuffled mix of
    open and closed, so the board's newest deals fall in every column)."""
    from django.db import transaction
    from django.utils import timezone

    from guanxi.core.bulk import insert_rows, reserve_ids
    from guanxi.customers.models import Contact
    from guanxi.sales.models import Opportunity, StageChange
    from guanxi.sales.services.pipelines import ensure_default_pipeline

    rng = random.Random(seed)
    org_id = owners[0].org_id
    pipeline = ensure_default_pipeline(org_id)
    stages = list(pipeline.stages.order_by("position", "pk"))
    open_stages = [s for s in stages if s.outcome == "open"]
    won = next(s for s in stages if s.outcome == "won")
    lost = next(s for s in stages if s.outcome == "lost")
    contact_of = dict(
        Contact.objects.filter(account_id__in=accounts).values_list("account_id", "pk")
    )
    now = timezone.now()
    today = timezone.localdate()
    first_close = today - datetime.timedelta(days=60)  # a year of expected closes around today
    kinds = ["open"] * open_count + ["won"] * (closed * 2 // 5)
    kinds += ["lost"] * (closed - closed * 2 // 5)
    rng.shuffle(kinds)
    columns = [f.column for f in Opportunity._meta.concrete_fields]
    change_columns = (
        "opportunity_id",
        "from_stage_id",
        "to_stage_id",
        "changed_at",
        "changed_by_id",
        "seconds_in_previous",
    )
    counts = {"open": 0, "won": 0, "lost": 0, "stage_changes": 0}
    batch = 20_000
    for start in range(0, len(kinds), batch):
        with transaction.atomic():
            part = kinds[start : start + batch]
            ids = reserve_ids(Opportunity, len(part))
            rows, changes = [], []
            for pk, kind in zip(ids, part, strict=True):
                owner = rng.choice(owners)
                created = now - datetime.timedelta(seconds=rng.randrange(365 * 86400))
                if kind == "open":
                    reached = rng.choices(range(len(open_stages)), OPEN_WEIGHTS)[0]
                    path = open_stages[: reached + 1]
                    closed_at = None
                    expected = first_close + datetime.timedelta(days=rng.randrange(365))
                else:
                    weights = WON_REACHED if kind == "won" else LOST_REACHED
                    reached = rng.choices(range(len(open_stages)), weights)[0]
                    path = [*open_stages[: reached + 1], won if kind == "won" else lost]
                    closed_at = created + (now - created) * rng.random()
                    expected = timezone.localdate(closed_at)
                # The stage history: created in the first stage, moved one stage at a time.
                span = ((closed_at or now) - created) / len(path)
                at = created
                previous = None
                for stage in path:
                    changes.append(
                        (
                            pk,
                            previous.pk if previous else None,
                            stage.pk,
                            at,
                            owner.pk,
                            int(span.total_seconds()) if previous else 0,
                        )
                    )
                    previous = stage
                    at += span
                account = rng.choice(accounts)
                values = {
                    "id": pk,
                    "public_id": uuid.uuid4(),
                    "created_at": created,
                    "updated_at": at - span,
                    "org_id": org_id,
                    "version": len(path),
                    "owner_id": owner.pk,
                    "team_id": owner.team_id,
                    "visibility": _draw(rng, VISIBILITY),
                    "name": f"{rng.choice(DEAL_NAMES)} {pk}",
                    "pipeline_id": pipeline.pk,
                    "stage_id": path[-1].pk,
                    "amount": Decimal(rng.randrange(5_000_00, 2_000_000_00)) / 100,
                    "currency": "CNY",
                    "expected_close": expected,
                    "next_step": "发报价" if rng.random() < 0.3 else "",
                    "forecast_category": _draw(rng, CATEGORIES),
                    "account_id": account,
                    "contact_id": contact_of.get(account) if rng.random() < 0.7 else None,
                    "deleted_at": None,
                    "closed_at": closed_at,
                    "close_reason": rng.choice(REASONS) if closed_at else "",
                    "competitor": "",
                    "stage_entered_at": at - span,
                }
                rows.append(tuple(values[c] for c in columns))
                counts[kind] += 1
            insert_rows(Opportunity, columns, rows)
            insert_rows(StageChange, change_columns, changes)
            counts["stage_changes"] += len(changes)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opportunities", type=int, default=100_000, help="open deals")
    parser.add_argument("--closed", type=int, default=None, help="won or lost; default N / 5")
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warm", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data-dir", help="Keep the SQLite data directory, and reuse it when it holds deals."
    )
    args = parser.parse_args()
    closed = args.opportunities // 5 if args.closed is None else args.closed
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="guanxi-bench-kanban-"))
    os.environ.update(
        GUANXI_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        # The in-process test client calls itself "testserver"; DEBUG is off by default.
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from guanxi.core.bulk import analyze
    from guanxi.customers.models import Account, Contact
    from guanxi.platform.models import User
    from guanxi.platform.services.tokens import api_token_create
    from guanxi.sales.models import Opportunity, StageChange
    from guanxi.sales.views.forecast import current_quarter

    call_command("migrate", verbosity=0)
    call_command("setup", no_demo=True, stdout=io.StringIO())
    rng = random.Random(args.seed)
    started = time.perf_counter()
    reused = Opportunity.objects.exists()
    if reused:
        manager = User.objects.get(username="manager")
        reps = list(User.objects.filter(username__startswith="rep").order_by("pk"))
        owners = [*reps, manager]
        counts = {
            kind: Opportunity.objects.filter(stage__outcome=kind).count()
            for kind in ("open", "won", "lost")
        }
        counts["stage_changes"] = StageChange.objects.count()
    else:
        admin, manager, reps, _teams = make_people()
        owners = [*reps, manager]
        accounts = make_customers(admin, owners, args.accounts, rng)
        counts = make_deals(owners, accounts, args.opportunities, closed, args.seed)
        analyze(Opportunity, StageChange, Account, Contact)
    generated = time.perf_counter() - started
    period = current_quarter()
    rep = reps[0]  # in the first team, which the manager manages

    def timed(fn: Callable[[], Any]) -> tuple[list[float], int, Any]:
        """``--warm`` untimed calls, one whose queries are counted, ``--requests`` timed."""
        for _ in range(args.warm):
            fn()
        with CaptureQueriesContext(connection) as captured:
            response = fn()
        queries = len(captured)  # read now: the next request clears the log
        values = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = fn()
            values.append(time.perf_counter() - t0)
            if response is not None:
                assert response.status_code == 200, response.status_code
        return values, queries, response

    def bare(sql: str) -> Callable[[], None]:
        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        return run

    measures: dict[str, Any] = {}
    baselines = {
        "baseline: SELECT COUNT(*)": "SELECT COUNT(*) FROM sales_opportunity",
        "baseline: 100 rows": "SELECT * FROM sales_opportunity ORDER BY id DESC LIMIT 100",
        # The least a forecast reads without an index on the close dates: the whole table.
        "baseline: scan, SUM(amount) open": (
            "SELECT COUNT(*), SUM(amount) FROM sales_opportunity WHERE closed_at IS NULL"
        ),
    }
    for label, sql in baselines.items():
        values, _queries, _response = timed(bare(sql))
        measures[label] = summary(values)
    anonymous = Client()
    values, queries, _response = timed(lambda: anonymous.get("/healthz"))
    measures["baseline: /healthz"] = summary(values, queries)
    facts: dict[str, Any] = {}
    for role, user in (("rep", rep), ("manager", manager)):
        page = Client()
        page.force_login(user)
        _token, raw = api_token_create(actor=user, user=user, name="bench")
        api = Client(headers={"Authorization": f"Bearer {raw}"})
        values, queries, response = timed(lambda page=page: page.get("/opportunities/"))
        measures[f"board, {role}"] = summary(values, queries)
        facts[f"board cards, {role}"] = response.content.count(b'class="card deal"')
        values, queries, _response = timed(
            lambda page=page: page.get("/forecast/", {"period": period})
        )
        measures[f"forecast page, {role}"] = summary(values, queries)
        values, queries, response = timed(
            lambda api=api: api.get("/api/v1/forecast", {"period": period})
        )
        measures[f"forecast API, {role}"] = summary(values, queries)
        total = response.json()["total"]
        facts[f"forecast {period} open / won, {role}"] = (
            f"{total['open_count']:,} / {total['won_count']:,}"
        )
    for label, figures in measures.items():
        if not label.startswith("baseline"):
            figures["meets_goal"] = figures["p95_ms"] < GOAL_P95_MS
    results: dict[str, Any] = {
        "database": connection.vendor,
        "open_opportunities": counts["open"],
        "won": counts["won"],
        "lost": counts["lost"],
        "stage_changes": counts["stage_changes"],
        "owners": len(owners),
        "period": period,
        "generate_seconds": None if reused else round(generated, 1),
        "requests": args.requests,
        "goal_p95_ms": GOAL_P95_MS,
        "cpu": os.cpu_count(),
        "measures": measures,
        "facts": facts,
    }
    target = ROOT / "bench" / "results" / "kanban_forecast.json"
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{connection.vendor}: {counts['open']:,} open deals, {counts['won']:,} won, "
        f"{counts['lost']:,} lost, {counts['stage_changes']:,} stage changes, {len(owners)} "
        f"owners; {'reused' if reused else f'generated in {generated:.1f} s'}; period {period}; "
        f"{args.requests} requests each; goal p95 < {GOAL_P95_MS:.0f} ms"
    )
    print(f"{'measure':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for label, figures in measures.items():
        print(
            f"{label:<34} {figures['p50_ms']:>8} {figures['p95_ms']:>8} {figures['max_ms']:>8} "
            f"{figures.get('queries', ''):>8}"
        )
    for label, value in facts.items():
        print(f"{label}: {value}")
    print(f"written to {target}")
    connection.close()
    if not args.data_dir:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
