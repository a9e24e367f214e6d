"""Export of 1,000,000 contacts: rows/s and peak memory per format, beside a bare read.

Usage: python bench/export_contacts.py [--contacts N] [--data-dir DIR] [--formats csv,xlsx,vcf]
       scripts/with-postgres .venv/bin/python bench/export_contacts.py

Makes the demo data as ``bench/run.py`` does (``guanxi demo --contacts N --seed 1`` into a
temporary GUANXI_DATA_DIR, or the PostgreSQL of DATABASE_URL; ``--data-dir`` reuses an earlier
SQLite run), then measures, each in a fresh process so that its peak memory is its own:

- the baseline: a bare ``values_list(...).iterator()`` over the same contact columns, no
  visibility, phones, e-mails, tags or writing (the least any export has to read);
- ``export_start`` for each format as the administrator, every byte read and counted, as the
  streamed response and ``guanxi export`` read it (XLSX for one province only: openpyxl is slow);
  CSV also as a sales rep (the full visibility rule, the company's visibility per row).

Peak memory is the process's maximum resident set (``ru_maxrss``) minus its size before the
export began — which includes SQLite's page cache and memory-mapped file, growing with the data
read up to their limits (64 + 256 MB) — and, in a second traced run, the peak of Python's own
allocations (``tracemalloc``), which is what must stay flat.
Writes bench/results/export_contacts.json (one entry per database) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_ROWS_PER_S = 100_000


def _rss_mb() -> float:
    """The current resident set, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(what: str, user: str, trace: bool = False) -> dict[str, Any]:
    """One measurement in this process (called through ``--measure``)."""
    import tracemalloc

    import django

    django.setup()
    from guanxi.customers.exporting import CONTACT_ROW_VALUES
    from guanxi.customers.models import Contact
    from guanxi.platform.exports.services import export_start
    from guanxi.platform.models import User

    actor = User.objects.get(username=user)
    if trace:
        tracemalloc.start()
    before = _rss_mb()
    started = time.perf_counter()
    size = 0
    filters: dict[str, Any] = {}
    if what == "baseline":
        plain = [
            f for f in CONTACT_ROW_VALUES[:-1] if f not in ("account__name", "account_visible")
        ]
        rows = sum(1 for _row in Contact.objects.values_list(*plain).iterator(chunk_size=2000))
    else:
        filters["sort"] = "id"
        if what == "xlsx":
            # openpyxl (without lxml) writes ~10,000 rows/s: one province's contacts (about
            # 1/30 of them) keeps the run short and is the export a shop really makes.
            filters["province"] = Contact.objects.order_by("pk").values_list("province", flat=True)[
                0
            ]
        stream = export_start(actor=actor, kind="contacts", format=what, filters=filters)
        for chunk in stream.chunks:
            size += len(chunk)
        rows = stream.rows_written
    seconds = time.perf_counter() - started
    if trace:
        return {
            "format": what,
            "python_heap_peak_mb": round(tracemalloc.get_traced_memory()[1] / 2**20, 1),
        }
    return {
        "format": what,
        "user": user,
        "filters": filters,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "megabytes": round(size / 2**20, 1),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(_peak_mb(), 1),
        "peak_growth_mb": round(_peak_mb() - before, 1),
    }


def _measure_in_child(
    env: dict[str, str], what: str, user: str, *, trace: bool = False
) -> dict[str, Any]:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--measure",
            what,
            "--user",
            user,
            *(["--trace"] if trace else []),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--data-dir", help="Reuse a SQLite data directory from an earlier run.")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--formats", default="csv,xlsx,vcf")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--user", default="admin", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        print(json.dumps(measure(args.measure, args.user, args.trace)))
        return

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="guanxi-bench-export-"))
    env = dict(os.environ, GUANXI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    guanxi = str(Path(sys.executable).parent / "guanxi")
    subprocess.run([guanxi, "setup", "--no-demo"], env=env, check=True, cwd=ROOT)
    started = time.monotonic()
    subprocess.run(
        [guanxi, "demo", "--contacts", str(args.contacts), "--seed", "1", "--only-if-empty"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    demo_seconds = round(time.monotonic() - started, 1)

    runs = [_measure_in_child(env, "baseline", "admin")]
    for fmt in args.formats.split(","):
        runs.append(_measure_in_child(env, fmt, "admin"))
    runs.append(_measure_in_child(env, "csv", "lilei"))
    # Python's own allocations (tracemalloc, a second run: tracing slows it down): the resident
    # set above also holds SQLite's page cache and memory-mapped file (up to 64 + 256 MB).
    for run in runs[1:-1]:
        run.update(_measure_in_child(env, run["format"], "admin", trace=True))

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from guanxi.customers.models import Contact, ContactEmail, ContactPhone

    baseline = runs[0]["rows_per_s"]
    results = {
        "database": connection.vendor,
        "contacts": Contact.objects.count(),
        "phones": ContactPhone.objects.count(),
        "emails": ContactEmail.objects.count(),
        "demo_load_seconds": None if args.data_dir else demo_seconds,
        "goal_csv_rows_per_s": GOAL_ROWS_PER_S,
        "runs": [
            {**run, "share_of_baseline": round(run["rows_per_s"] / baseline, 3)} for run in runs
        ],
    }
    out = ROOT / "bench" / "results" / "export_contacts.json"
    everything = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    everything[connection.vendor] = results
    out.write_text(json.dumps(everything, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{'run':<16} {'rows':>9} {'s':>7} {'rows/s':>9} {'MB out':>7} {'peak +MB':>8} "
        f"{'heap MB':>7}"
    )
    for run in results["runs"]:
        label = f"{run['format']} ({run['user']})"
        print(
            f"{label:<16} {run['rows']:>9,} {run['seconds']:>7} {run['rows_per_s']:>9,} "
            f"{run['megabytes']:>7} {run['peak_growth_mb']:>8} "
            f"{run.get('python_heap_peak_mb', ''):>7}"
        )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
