"""``make bench``: demo data at scale, then server-side latency of the main pages and the API.

Usage: python bench/run.py [--contacts N] [--requests R] [--database-url URL]
Writes bench/results/foundation.json and prints a short table. Each measurement stands beside a
baseline taken in the same run: the raw insert rate of the database for the bulk load, and the
/healthz round trip (one trivial query) for request latency.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values) * 1000, 2),
        "p95_ms": round(percentile(values, 95) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
        "n": len(values),
    }


def _wrk(url: str, token: str, *, seconds: int, connections: int) -> dict[str, float]:
    """Requests/s and latency from wrk (Debian's package), run on this machine's loopback."""
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    out = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def latency(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if match is None:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {
        "requests_per_s": round(rate, 1),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "connections": connections,
        "seconds": seconds,
    }


def load_test(env: dict[str, str], token: str, *, workers: int, seconds: int) -> dict[str, object]:
    """The list API under concurrent load through gunicorn, beside /healthz in the same run."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed: apt-get install wrk"}
    port = 18765
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=dict(env, DEBUG="0", SECRET_KEY="bench-" + "k" * 50, GUANXI_SECURE_COOKIES="0"),
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        return {
            "workers": workers,
            "healthz_baseline": _wrk(base + "/healthz", token, seconds=seconds, connections=16),
            "contact_list_api": _wrk(
                base + "/api/v1/contacts?limit=50", token, seconds=seconds, connections=16
            ),
            "contact_search_api": _wrk(
                base + "/api/v1/contacts?q=zw&limit=20", token, seconds=seconds, connections=16
            ),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--load-seconds", type=int, default=15)
    parser.add_argument("--data-dir", help="Reuse a SQLite data directory from an earlier run.")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="guanxi-bench-"))
    env = dict(
        os.environ,
        GUANXI_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        # The in-process test client calls itself "testserver"; DEBUG is off by default now.
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
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
    demo_seconds = time.monotonic() - started

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client

    from guanxi.customers.models import Contact, ContactPhone
    from guanxi.platform.models import User
    from guanxi.platform.services.tokens import api_token_create

    # Baseline: the raw insert rate of this database for simple two-column rows.
    rows = [(i, f"name-{i}") for i in range(200_000)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_baseline (id integer, name varchar(40))")
        started = time.monotonic()
        with transaction.atomic():
            cursor.executemany("INSERT INTO bench_baseline VALUES (%s, %s)", rows)
        baseline_rate = len(rows) / (time.monotonic() - started)
        cursor.execute("DROP TABLE bench_baseline")

    admin = User.objects.get(username="admin")
    _token, raw = api_token_create(actor=admin, user=admin, name="bench")
    client = Client()
    client.force_login(admin)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    # A sales rep in a team, who collaborates on a few colleagues' customers: the full
    # visibility rule (owner, team, sharing setting, collaborators), not the administrator's.
    from guanxi.platform.models import RecordCollaborator

    rep = User.objects.get(username="lilei")
    RecordCollaborator.objects.bulk_create(
        RecordCollaborator(
            org_id=rep.org_id, record_type="customers.contact", record_id=pk, user=rep
        )
        for pk in Contact.objects.exclude(owner=rep).order_by("?").values_list("pk", flat=True)[:20]
    )
    _rep_token, rep_raw = api_token_create(actor=rep, user=rep, name="bench")
    rep_client = Client()
    rep_client.force_login(rep)
    rep_api = Client(headers={"Authorization": f"Bearer {rep_raw}"})
    rng = random.Random(7)
    sample_ids = list(Contact.objects.order_by("?").values_list("public_id", "name")[:200])
    phones = list(ContactPhone.objects.order_by("?").values_list("number", flat=True)[:200])
    queries = []
    for _public_id, name in sample_ids:
        queries.extend([name[:2], name[:1]])
    queries += [p[-4:] for p in phones] + ["zw", "zhangwei", "wang", "li", "chen", "华为", "科技"]

    def timed(fn, count):
        fn(0)  # warm
        values = []
        for i in range(count):
            t0 = time.perf_counter()
            response = fn(i)
            values.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
        return values

    n = args.requests
    results = {
        "contacts": Contact.objects.count(),
        "database": connection.vendor,
        "demo_load_seconds": None if args.data_dir else round(demo_seconds, 1),
        "baseline_insert_rows_per_s": round(baseline_rate),
        "healthz_baseline": summary(timed(lambda i: client.get("/healthz"), n)),
        "search_page": summary(
            timed(
                lambda i: client.get(
                    "/search/", {"q": rng.choice(queries)}, headers={"HX-Request": "true"}
                ),
                n,
            )
        ),
        "contact_360_page": summary(
            timed(lambda i: client.get(f"/contacts/{sample_ids[i % len(sample_ids)][0]}/"), n)
        ),
        "contact_list_api": summary(timed(lambda i: api.get("/api/v1/contacts", {"limit": 50}), n)),
        "contact_search_api": summary(
            timed(lambda i: api.get("/api/v1/contacts", {"q": rng.choice(queries), "limit": 20}), n)
        ),
        "rep_search_page": summary(
            timed(
                lambda i: rep_client.get(
                    "/search/", {"q": rng.choice(queries)}, headers={"HX-Request": "true"}
                ),
                n,
            )
        ),
        "rep_contact_360_page": summary(
            timed(lambda i: rep_client.get(f"/contacts/{sample_ids[i % len(sample_ids)][0]}/"), n)
        ),
        "rep_contact_list_api": summary(
            timed(lambda i: rep_api.get("/api/v1/contacts", {"limit": 50}), n)
        ),
        "rep_contact_search_api": summary(
            timed(
                lambda i: rep_api.get("/api/v1/contacts", {"q": rng.choice(queries), "limit": 20}),
                n,
            )
        ),
        "rep_shared_with_me_api": summary(
            timed(lambda i: rep_api.get("/api/v1/contacts", {"scope": "shared", "limit": 50}), n)
        ),
    }
    connection.close()
    results["load"] = load_test(env, raw, workers=args.workers, seconds=args.load_seconds)
    out = ROOT / "bench" / "results" / f"foundation-{connection.vendor}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{'measure':<22} {'p50 ms':>8} {'p95 ms':>8}")
    for key, value in results.items():
        if isinstance(value, dict) and "p95_ms" in value:
            print(f"{key:<22} {value['p50_ms']:>8} {value['p95_ms']:>8}")
    print(
        f"demo load: {results['demo_load_seconds']} s for {results['contacts']:,} contacts; "
        f"baseline insert {results['baseline_insert_rows_per_s']:,} rows/s"
    )
    load = results["load"]
    if "skipped" in load:
        print(f"load test skipped: {load['skipped']}")
    else:
        for key in ("healthz_baseline", "contact_list_api", "contact_search_api"):
            figures = load[key]
            print(
                f"load {key:<18} {figures['requests_per_s']:>8} req/s  p50 {figures['p50_ms']} ms"
                f"  p99 {figures['p99_ms']} ms  non-2xx {figures['non_2xx']}"
            )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
