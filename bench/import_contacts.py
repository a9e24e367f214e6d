"""``python bench/import_contacts.py [--rows N] [--postgres] [--profile]``: the contact import.

Writes a contact sheet as a Chinese Excel saves it (GB18030 CSV, Chinese headers): bilingual
names, +86 and national phones in several formats, e-mails, provinces / cities / districts (full
and short forms), birthdays in mixed forms, companies, and some people who already exist (matched
by phone and updated) or appear twice in the file (merged). Then imports it through the import
framework's runner (``import_start`` + ``import_run``, chunks of 2,000 rows) into a fresh database
with normalisation and matching, beside the database's raw insert rate measured in the same run.
``--postgres`` runs against a throw-away PostgreSQL (scripts/with-postgres), as does a
``DATABASE_URL``. Writes bench/results/import_contacts[-postgresql].json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "姓名",
    "手机",
    "邮箱",
    "公司",
    "省份",
    "城市",
    "区县",
    "详细地址",
    "邮编",
    "生日",
    "性别",
    "备注",
]
FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红梅鑫斌宇浩凯健俊帆帅旭宁龙林欣佳怡晨雪婷倩颖琳"  # noqa: E501
LATIN_GIVEN = ["John", "Mary", "David", "Anna", "Peter", "Linda", "James", "Emma", "Lucas", "Sofia"]
LATIN_FAMILY = ["Smith", "Brown", "Miller", "Wilson", "Taylor", "Clark", "Lewis", "Walker"]
MOBILE_PREFIXES = ["138", "139", "137", "136", "135", "150", "151", "158", "186", "188", "177"]


def _places() -> list[tuple[str, str, str]]:
    from guanxi.customers.regions import provinces

    found = []
    for province in provinces():
        for city in province.children[:6]:
            for district in city.children[:4] or (None,):
                found.append((province.name, city.name, district.name if district else ""))
    return found


def _phone(rng: random.Random, digits: str) -> str:
    style = rng.randrange(10)
    if style < 5:
        return digits
    if style < 7:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style < 9:
        return f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}"
    return f"0086{digits}"


def _birthday(rng: random.Random) -> str:
    year, month, day = rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        [
            f"{year}{month:02d}{day:02d}",
            f"{year}-{month:02d}-{day:02d}",
            f"{year}/{month}/{day}",
            f"{year}年{month}月{day}日",
        ]
    )


def mobile(number: int) -> str:
    return f"{MOBILE_PREFIXES[number % len(MOBILE_PREFIXES)]}{number:08d}"


def write_file(path: Path, rows: int, existing: int, seed: int) -> None:
    """Row ``i`` is person ``i``; 3% of rows are people already in the database (phone of an
    existing contact), 1% repeat a person from earlier in the file."""
    rng = random.Random(seed)
    places = _places()
    companies = [
        f"{rng.choice(FAMILY)}氏{rng.choice(['科技', '贸易', '餐饮', '服饰'])}有限公司{n}"
        for n in range(2000)
    ]
    with path.open("w", newline="", encoding="gb18030") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for number in range(rows):
            person = number + existing
            draw = rng.random()
            if draw < 0.03 and existing:
                person = rng.randrange(existing)
            elif draw < 0.04 and number > 10:
                person = existing + rng.randrange(number)
            if rng.random() < 0.1:
                name = f"{rng.choice(LATIN_GIVEN)} {rng.choice(LATIN_FAMILY)}"
            else:
                name = rng.choice(FAMILY) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            province, city, district = rng.choice(places)
            if rng.random() < 0.3:
                province = province.removesuffix("省").removesuffix("市")
            writer.writerow(
                [
                    name,
                    _phone(rng, mobile(person)),
                    f"user{person}@example.com" if rng.random() < 0.6 else "",
                    rng.choice(companies) if rng.random() < 0.3 else "",
                    province,
                    city,
                    district,
                    f"{rng.randint(1, 999)}号" if rng.random() < 0.5 else "",
                    f"{rng.randint(100000, 999999)}" if rng.random() < 0.3 else "",
                    _birthday(rng) if rng.random() < 0.5 else "",
                    rng.choice(["男", "女", ""]),
                    "",
                ]
            )


def seed_existing(actor: object, count: int) -> None:
    from django.db import transaction

    from guanxi.customers.services.imported import NewContact, contacts_insert

    for start in range(0, count, 5000):
        with transaction.atomic():
            contacts_insert(
                actor=actor,
                contacts=[
                    NewContact(name=f"老客户{n}", phones=[("+86" + mobile(n), "mobile")])
                    for n in range(start, min(start + 5000, count))
                ],
            )


def run_import(actor: object, path: Path) -> tuple[float, object]:
    from guanxi.platform.imports.runner import import_run, import_start

    started = time.perf_counter()
    batch = import_start(
        actor=actor, kind="contacts", path_or_stream=path, file_name=path.name, on_match="update"
    )
    batch = import_run(batch.pk)
    return time.perf_counter() - started, batch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--existing", type=int, default=None, help="default: rows / 20")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the import, top 25")
    args = parser.parse_args()
    if args.postgres and not os.environ.get("DATABASE_URL"):
        env = {**os.environ, "GUANXI_TEST_PG_PORT": os.environ.get("GUANXI_TEST_PG_PORT", "55443")}
        command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, *sys.argv]
        sys.exit(subprocess.call(command, env=env))
    existing = args.rows // 20 if args.existing is None else args.existing
    data_dir = Path(tempfile.mkdtemp(prefix="guanxi-bench-contacts-"))
    os.environ.update(GUANXI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from analytics import baseline_insert_rate
    from django.core.management import call_command
    from django.db import connection

    from guanxi.customers.models import Contact
    from guanxi.platform.models import User

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("setup", no_demo=True, stdout=io.StringIO())
    actor = User.objects.filter(is_active=True).order_by("pk").first()
    path = data_dir / "contacts.csv"
    started = time.perf_counter()
    write_file(path, args.rows, existing, args.seed)
    generated = time.perf_counter() - started
    seed_existing(actor, existing)
    baseline = baseline_insert_rate()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        seconds, batch = run_import(actor, path)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    elif os.environ.get("BENCH_SLOW_QUERIES"):
        slow: list[tuple[float, str]] = []

        def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            begun = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                slow.append((time.perf_counter() - begun, sql[:300]))

        with connection.execute_wrapper(timed):
            seconds, batch = run_import(actor, path)
        for spent, sql in sorted(slow, reverse=True)[:8]:
            print(f"{spent:.3f}s {sql}")
    else:
        seconds, batch = run_import(actor, path)
    results = {
        "database": connection.vendor,
        "rows": args.rows,
        "existing_contacts": existing,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "generate_seconds": round(generated, 1),
        "import_seconds": round(seconds, 1),
        "rows_per_s": round(args.rows / seconds),
        "baseline_insert_rows_per_s": baseline,
        "status": batch.status,
        "created": batch.created,
        "updated": batch.updated,
        "skipped": batch.skipped,
        "refused": batch.refused,
        "first_errors": batch.errors[:5],
        "contacts_after": Contact.objects.count(),
        "cpu": os.cpu_count(),
    }
    print(
        f"{connection.vendor}: {args.rows:,} rows in {seconds:.1f} s = {args.rows / seconds:,.0f} "
        f"rows/s (raw insert baseline {baseline:,} rows/s); created {batch.created:,}, updated "
        f"{batch.updated:,}, skipped {batch.skipped:,}, refused {batch.refused:,}"
    )
    suffix = "" if connection.vendor == "sqlite" else f"-{connection.vendor}"
    target = ROOT / "bench" / "results" / f"import_contacts{suffix}.json"
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    connection.close()
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
