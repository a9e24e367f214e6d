"""``python bench/import_orders.py [--orders N] [--customers C]``: the order import's throughput.

Writes an order file as a shop would send it (UTF-8 CSV, the documented header), then runs
``guanxi import orders FILE --create-customers`` into a fresh database twice: the first run creates
every customer and order, the second finds them all unchanged (the idempotent re-import). Beside
it, in the same run, the raw insert rate of the database (the ceiling for any import). Writes
bench/results/import-<database>.json.
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


def write_file(path: Path, orders: int, customers: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["order_id", "customer_id", "ordered_at", "amount", "store", "channel"])
        for number in range(orders):
            day = 1 + rng.randrange(28)
            writer.writerow(
                [
                    f"POS-{number:09d}",
                    f"M{rng.randrange(customers):07d}",
                    f"2026-{1 + rng.randrange(10):02d}-{day:02d}T{10 + rng.randrange(11)}:15:00",
                    f"{rng.randrange(100, 100000) / 100:.2f}",
                    rng.choice(["静安店", "浦东店", "官方商城"]),
                    rng.choice(["门店", "小程序"]),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="guanxi-bench-import-"))
    os.environ.update(GUANXI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from analytics import baseline_insert_rate
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("setup", no_demo=True, stdout=io.StringIO())
    path = data_dir / "orders.csv"
    write_file(path, args.orders, args.customers, args.seed)
    results: dict[str, object] = {
        "database": connection.vendor,
        "orders": args.orders,
        "customers": args.customers,
        "baseline_insert_rows_per_s": baseline_insert_rate(),
    }
    for label in ("first import", "same file again"):
        out = io.StringIO()
        started = time.perf_counter()
        call_command(
            "import", "orders", str(path), "--create-customers", stdout=out, stderr=io.StringIO()
        )
        seconds = time.perf_counter() - started
        results[label] = {
            "seconds": round(seconds, 1),
            "rows_per_s": round(args.orders / seconds),
            "report": out.getvalue().strip(),
        }
        rate = args.orders / seconds
        print(f"{label}: {seconds:.1f} s, {rate:,.0f} rows/s — {out.getvalue().strip()}")
    print(f"raw insert baseline: {results['baseline_insert_rows_per_s']:,} rows/s")
    target = ROOT / "bench" / "results" / f"import-{connection.vendor}.json"
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    connection.close()
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
