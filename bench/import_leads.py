"""``python bench/import_leads.py [--rows N] [--contacts M]``: the lead import.

A trade show's business cards as Chinese Excel saves them (GB18030 CSV, Chinese headers), 5% of
them people already among the customers (skipped by phone), 1% the same card twice, imported
through the framework (``import_start`` + ``import_run``, chunks of 2,000 rows) into a database
holding ``--contacts`` customers (default 1,000,000), beside the database's raw insert rate in
the same run. Writes bench/results/import_leads.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_ROWS_PER_S = 20_000
HEADER = ["姓名", "手机", "邮箱", "公司", "职位", "备注"]
TITLES = ["采购经理", "总经理", "店长", "IT 主管", "Operations Manager", ""]


def write_file(path: Path, rows: int, contacts: int, seed: int) -> None:
    from import_contacts import FAMILY, GIVEN, _phone, mobile

    rng = random.Random(seed)
    with path.open("w", newline="", encoding="gb18030") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for number in range(rows):
            person = contacts + number
            draw = rng.random()
            if draw < 0.05 and contacts:
                person = rng.randrange(contacts)
            elif draw < 0.06 and number > 10:
                person = contacts + rng.randrange(number)
            name = rng.choice(FAMILY) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            writer.writerow(
                [
                    name,
                    _phone(rng, mobile(person)),
                    f"card{person}@example.com" if rng.random() < 0.5 else "",
                    f"{rng.choice(FAMILY)}氏贸易有限公司{rng.randrange(500)}",
                    rng.choice(TITLES),
                    "展会现场登记" if rng.random() < 0.2 else "",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="guanxi-bench-leads-"))
    os.environ.update(GUANXI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from analytics import baseline_insert_rate
    from django.core.management import call_command
    from django.db import connection
    from import_contacts import seed_existing

    from guanxi.platform.imports.runner import import_run, import_start
    from guanxi.platform.models import User

    call_command("migrate", verbosity=0)
    call_command("setup", no_demo=True, stdout=io.StringIO())
    actor = User.objects.filter(is_active=True).order_by("pk").first()
    path = data_dir / "名片.csv"
    write_file(path, args.rows, args.contacts, args.seed)
    started = time.perf_counter()
    seed_existing(actor, args.contacts)
    seeded = time.perf_counter() - started
    baseline = baseline_insert_rate()
    started = time.perf_counter()
    batch = import_start(
        actor=actor,
        kind="leads",
        path_or_stream=path,
        file_name=path.name,
        on_match="skip",
        options={"event": "2026上海展"},
    )
    batch = import_run(batch.pk)
    seconds = time.perf_counter() - started
    results = {
        "database": connection.vendor,
        "rows": args.rows,
        "existing_contacts": args.contacts,
        "seed_seconds": round(seeded, 1),
        "import_seconds": round(seconds, 1),
        "rows_per_s": round(args.rows / seconds),
        "baseline_insert_rows_per_s": baseline,
        "goal_rows_per_s": GOAL_ROWS_PER_S,
        "status": batch.status,
        "created": batch.created,
        "skipped": batch.skipped,
        "refused": batch.refused,
        "first_errors": batch.errors[:5],
        "cpu": os.cpu_count(),
    }
    print(
        f"{connection.vendor}: {args.rows:,} leads against {args.contacts:,} contacts in "
        f"{seconds:.1f} s = {args.rows / seconds:,.0f} rows/s (raw insert baseline "
        f"{baseline:,} rows/s; goal {GOAL_ROWS_PER_S:,}); created {batch.created:,}, skipped "
        f"{batch.skipped:,}, refused {batch.refused:,}"
    )
    target = ROOT / "bench" / "results" / "import_leads.json"
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    connection.close()
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
