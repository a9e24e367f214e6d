"""``make bench-analytics``: a full analytics refresh of 1,000,000 customers and 10,000,000 orders.

Usage: python bench/analytics.py [--customers N] [--orders M] [--runs R] [--data-dir DIR]
       scripts/with-postgres .venv/bin/python bench/analytics.py

Draws purchase histories from the BG/NBD and Gamma-Gamma processes with the CDNOW parameters
(guanxi/analytics/statistics/simulate.py), writes them through the bulk path into a fresh
database (SQLite in a temporary GUANXI_DATA_DIR, or the PostgreSQL of DATABASE_URL), then measures
in the same run:

- ``scores_refresh`` (summary, fits, scores written), median of ``--runs`` full refreshes, with
  the time of each stage, beside two baselines: a plain ``COUNT(*), SUM(amount)`` scan of the
  orders, and the orders grouped by customer and day (the least the summary has to read);
- the fitted parameters beside the generating ones, with their standard errors, and beside a
  fit on the same draws in continuous time (no rounding to days);
- ``bgnbd.fit`` on the 1,000,000-customer summary beside ``lifetimes.BetaGeoFitter`` 0.11.3,
  median of ``--runs`` each; lifetimes runs in a throw-away venv (created on first use, see
  LIFETIMES_PINS), never in the project's.

Writes bench/results/analytics-<database>.json and prints a short table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import importlib.metadata
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
AS_OF = datetime.date(2026, 6, 30)
WEEKS, COHORT_WEEKS = 260, 208  # five years of orders, first purchases over the first four
BATCH = 100_000
# Minimal contacts: a name and the columns that have no database default (no search keys).
CONTACT_COLUMNS = [
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "org_id",
    "version",
    "owner_id",
    "name",
    "visibility",
    "province",
    "city",
    "district",
    "street",
    "description",
    "pinyin",
    "title",
    "account_role",
    "wechat_id",
    "gender",
    "source",
    "external_id",
]
CONTACT_BLANKS = ("org", *[""] * 12)
# The bench-only environment for lifetimes: pandas 3.1.1 works with lifetimes 0.11.3 (no older
# pandas needed); numpy and scipy are pinned to the project's own versions at run time.
LIFETIMES_PINS = ["lifetimes==0.11.3", "pandas==3.1.1", "autograd==1.9.1", "dill==0.4.1"]

LIFETIMES_SCRIPT = r"""
import json, sys, time, warnings
import numpy as np
from importlib.metadata import version
from lifetimes import BetaGeoFitter
data = np.load(sys.argv[1])
runs = int(sys.argv[2])
out = {"versions": {name: version(name) for name in
                    ("lifetimes", "pandas", "numpy", "scipy", "autograd", "dill")}}
out["versions"]["python"] = sys.version.split()[0]
for label, args in (("rows", (data["x"], data["t_x"], data["T"])),
                    ("weighted", (data["ux"], data["ut_x"], data["uT"]))):
    seconds = []
    for _ in range(runs):
        fitter = BetaGeoFitter()
        kwargs = {"weights": data["counts"]} if label == "weighted" else {}
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitter.fit(*args, **kwargs)
        seconds.append(time.perf_counter() - started)
    out[label] = {"seconds": seconds,
                  "params": {k: float(v) for k, v in fitter.params_.items()}}
print(json.dumps(out))
"""


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def significant(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}"


class StageTimer:
    """Wall time spent in named functions during a refresh, by wrapping them where they are looked
    up. Only measurement: the functions run unchanged. Nested stages are timed on their own."""

    def __init__(self, targets: dict[str, tuple[str, str]]):
        self.targets = targets
        self.seconds: dict[str, float] = defaultdict(float)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        saved = []
        for label, (module_name, name) in self.targets.items():
            module = importlib.import_module(module_name)
            original = getattr(module, name, None)
            if original is None:
                continue
            saved.append((module, name, original))
            setattr(module, name, self._wrap(label, original))
        try:
            yield
        finally:
            for module, name, original in reversed(saved):
                setattr(module, name, original)

    def _wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        return timed


REFRESH_STAGES = {
    "summary (SQL + arrays)": ("guanxi.analytics.services.refresh", "purchase_summary"),
    "previous scores": ("guanxi.analytics.services.refresh", "_previous_scores"),
    "scoring (models, RFM, churn)": ("guanxi.analytics.services.refresh", "score_customers"),
    "  BG/NBD fit": ("guanxi.analytics.statistics.bgnbd", "fit"),
    "  Gamma-Gamma fit": ("guanxi.analytics.statistics.gamma_gamma", "fit"),
    "  CLV (36 months)": ("guanxi.analytics.statistics.clv", "discounted_value"),
    "  churn warnings": ("guanxi.analytics.scoring", "churn_warnings"),
    "snapshot": ("guanxi.analytics.services.refresh", "_snapshot"),
    "row building": ("guanxi.analytics.services.refresh", "_rows"),
    "write (delete, insert, analyze)": (
        "guanxi.analytics.services.refresh",
        "customer_scores_replace",
    ),
}
TOP_LEVEL = [name for name in REFRESH_STAGES if not name.startswith(" ")]


def lifetimes_python(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if python.exists():
        return python
    print(f"creating the lifetimes venv in {venv} …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pins = [
        *LIFETIMES_PINS,
        f"numpy=={importlib.metadata.version('numpy')}",
        f"scipy=={importlib.metadata.version('scipy')}",
    ]
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *pins], check=True)
    return python


def load(customers: int, orders_wanted: int, seed: int) -> dict[str, Any]:
    """Migrate, create the organisation and its administrator, write contacts and orders."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from guanxi.analytics.statistics import simulate
    from guanxi.commerce.models import Order
    from guanxi.core.bulk import analyze, insert_rows, next_id, reset_sequences
    from guanxi.customers.models import Contact
    from guanxi.platform.models import User
    from guanxi.platform.roles import Role
    from guanxi.platform.services.users import default_organization, user_create

    call_command("migrate", interactive=False, verbosity=0)
    org = default_organization()
    if Order.objects.exists() or Contact.objects.exists():
        raise SystemExit(
            "The database already has contacts or orders: the bench needs a fresh one."
        )
    admin = User.objects.filter(username="admin").first() or user_create(
        actor=None,
        username="admin",
        password=None,
        org=org,
        role=Role.ADMINISTRATOR,
        first_name="Admin",
    )
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    drawn = simulate.simulate(
        customers, orders=orders_wanted, weeks=WEEKS, cohort_weeks=COHORT_WEEKS, seed=seed
    )
    figures["simulate_seconds"] = round(time.perf_counter() - started, 1)
    days = WEEKS * 7
    first = AS_OF - datetime.timedelta(days=days - 1)
    now = timezone.now()
    stamp = now.strftime("%Y-%m-%d %H:%M:%S") + ("" if connection.vendor == "sqlite" else "+00")
    rng = np.random.default_rng(seed + 1)

    def public_ids(count: int) -> list[str]:
        raw = np.frombuffer(rng.bytes(16 * count), dtype=np.uint8).reshape(count, 16).copy()
        raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
        raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
        text = raw.tobytes().hex()
        return [text[i : i + 32] for i in range(0, len(text), 32)]

    started = time.perf_counter()
    contact_start = next_id(Contact)
    for start in range(0, customers, BATCH):
        stop = min(customers, start + BATCH)
        ids = range(contact_start + start, contact_start + stop)
        rows = [
            (pk, uid, stamp, stamp, org.pk, 1, admin.pk, f"客户{pk}", *CONTACT_BLANKS)
            for pk, uid in zip(ids, public_ids(len(ids)), strict=True)
        ]
        with transaction.atomic():
            insert_rows(Contact, CONTACT_COLUMNS, rows)
    figures["contacts_load_seconds"] = round(time.perf_counter() - started, 1)

    # Orders arrive in time order, as a shop sends them; within a day, in customer order.
    order = np.argsort(drawn.day, kind="stable")
    customer, day, cents = drawn.customer[order], drawn.day[order], drawn.cents[order]
    del drawn, order
    local_days = [first + datetime.timedelta(days=int(d)) for d in range(days)]
    day_text = [d.isoformat() for d in local_days]
    zone = timezone.get_current_timezone()
    midnight_utc = np.array(
        [
            np.datetime64(
                datetime.datetime.combine(d, datetime.time(), zone)
                .astimezone(datetime.UTC)
                .replace(tzinfo=None),
                "s",
            )
            for d in local_days
        ]
    )
    # Opening hours 09:00-21:00 local time.
    moment = midnight_utc[day] + (9 * 3600 + rng.integers(0, 12 * 3600, len(day))).astype(
        "timedelta64[s]"
    )
    suffix = "" if connection.vendor == "sqlite" else "+00"
    columns = [
        "id",
        "public_id",
        "created_at",
        "updated_at",
        "org_id",
        "external_id",
        "contact_id",
        "store",
        "channel",
        "ordered_at",
        "ordered_on",
        "amount",
        "currency",
        "status",
    ]
    started = time.perf_counter()
    order_start = next_id(Order)
    total = len(day)
    for start in range(0, total, BATCH):
        stop = min(total, start + BATCH)
        ids = range(order_start + start, order_start + stop)
        at = [t.replace("T", " ") + suffix for t in np.datetime_as_string(moment[start:stop])]
        on = [day_text[d] for d in day[start:stop].tolist()]
        contact_ids = (customer[start:stop] + contact_start).tolist()
        amounts = (cents[start:stop] / 100.0).tolist()
        rows = [
            (pk, uid, stamp, stamp, org.pk, f"B{pk}", c, "", "", a, o, m, "CNY", "completed")
            for pk, uid, c, a, o, m in zip(
                ids, public_ids(len(ids)), contact_ids, at, on, amounts, strict=True
            )
        ]
        with transaction.atomic():
            insert_rows(Order, columns, rows)
        if stop % 1_000_000 < BATCH:
            print(f"  orders {stop:,} / {total:,}", flush=True)
    figures["orders_load_seconds"] = round(time.perf_counter() - started, 1)
    figures["orders_load_rows_per_s"] = round(total / (time.perf_counter() - started))
    started = time.perf_counter()
    reset_sequences(Contact, Order)
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a large import: planner statistics and the
        # visibility map, without which no index-only scan is possible.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) commerce_order, customers_contact")
    else:
        analyze(Contact, Order)
    figures["analyze_seconds"] = round(time.perf_counter() - started, 1)
    figures["orders"] = total
    figures["customers"] = customers
    return figures


def baseline_insert_rate() -> int:
    """The raw ``executemany`` rate for simple two-column rows, as bench/run.py measures it."""
    from django.db import connection, transaction

    rows = [(i, f"name-{i}") for i in range(200_000)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_baseline (id integer, name varchar(40))")
        started = time.perf_counter()
        with transaction.atomic():
            cursor.executemany("INSERT INTO bench_baseline VALUES (%s, %s)", rows)
        rate = len(rows) / (time.perf_counter() - started)
        cursor.execute("DROP TABLE bench_baseline")
    return round(rate)


def timed_query(sql: str, runs: int) -> tuple[float, list[float], Any]:
    from django.db import connection

    seconds = []
    result = None
    for _ in range(runs):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql)
            result = cursor.fetchall()
            seconds.append(time.perf_counter() - started)
    return median(seconds), seconds, result


def _bgnbd_log_likelihood(log_params: Any, x: Any, t_x: Any, big_t: Any) -> float:
    """Fader, Hardie & Lee (2005), equation 6, written out here so that the bench depends on no
    private function of the model it checks."""
    from scipy.special import gammaln

    r, alpha, a, b = np.exp(log_params)
    head = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + gammaln(a + b)
        + gammaln(b + x)
        - gammaln(b)
        - gammaln(a + b + x)
    )
    repeat = x > 0
    alive = -(r + x) * np.log(alpha + big_t)
    dropped = np.full(len(x), -np.inf)
    dropped[repeat] = (
        np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return float(np.sum(head + np.logaddexp(alive, dropped)))


def _gamma_gamma_log_likelihood(log_params: Any, x: Any, m: Any) -> float:
    """Fader, Hardie & Lee (2005), "RFM and CLV", for customers with repeat purchases."""
    from scipy.special import gammaln

    p, q, gamma = np.exp(log_params)
    px = p * x
    return float(
        np.sum(
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(gamma)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(gamma + m * x)
        )
    )


def _standard_errors(
    log_likelihood: Callable[..., float], values: list[float], columns: list[Any]
) -> list[float]:
    """Standard errors from the observed information: the finite-difference Hessian of the
    log-likelihood in log-parameters, at the fitted values."""
    point = np.log(values)
    size, step = len(values), 1e-4

    def f(*shifts: tuple[int, float]) -> float:
        moved = point.copy()
        for index, sign in shifts:
            moved[index] += sign * step
        return log_likelihood(moved, *columns)

    hessian = np.zeros((size, size))
    centre = f()
    for i in range(size):
        hessian[i, i] = (f((i, 2)) - 2 * centre + f((i, -2))) / (4 * step**2)
        for j in range(i):
            hessian[i, j] = hessian[j, i] = (
                f((i, 1), (j, 1)) - f((i, 1), (j, -1)) - f((i, -1), (j, 1)) + f((i, -1), (j, -1))
            ) / (4 * step**2)
    log_se = np.sqrt(np.diag(np.linalg.inv(-hessian)))
    return (np.exp(point) * log_se).tolist()


def standard_errors(fitted: dict[str, float], x: Any, t_x: Any, big_t: Any, zbar: Any) -> Any:
    purchases = _standard_errors(
        _bgnbd_log_likelihood, [fitted[k] for k in ("r", "alpha", "a", "b")], [x, t_x, big_t]
    )
    usable = (x > 0) & (zbar > 0)
    spend = _standard_errors(
        _gamma_gamma_log_likelihood,
        [fitted[k] for k in ("p", "q", "gamma")],
        [x[usable], zbar[usable]],
    )
    return dict(zip(("r", "alpha", "a", "b", "p", "q", "gamma"), purchases + spend, strict=True))


def fit_comparison(x: Any, t_x: Any, big_t: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Our BG/NBD fit beside lifetimes' BetaGeoFitter on the same summary, same run."""
    from guanxi.analytics.statistics import bgnbd

    ours_runs = []
    for _ in range(args.runs):
        started = time.perf_counter()
        ours = bgnbd.fit(x, t_x, big_t)
        ours_runs.append(time.perf_counter() - started)
    comparison: dict[str, Any] = {
        "customers": len(x),
        "ours": {
            "median_s": round(median(ours_runs), 3),
            "runs_s": [round(s, 3) for s in ours_runs],
            "params": {k: ours.as_dict()[k] for k in ("r", "alpha", "a", "b")},
        },
    }
    if args.no_lifetimes:
        comparison["lifetimes"] = {"skipped": "--no-lifetimes"}
    else:
        python = lifetimes_python(Path(args.lifetimes_venv))
        distinct, counts = np.unique(np.column_stack([x, t_x, big_t]), axis=0, return_counts=True)
        ux, ut_x, ubig_t = (distinct[:, i].copy() for i in range(3))
        with tempfile.TemporaryDirectory() as scratch:
            arrays = Path(scratch) / "summary.npz"
            np.savez(arrays, x=x, t_x=t_x, T=big_t, ux=ux, ut_x=ut_x, uT=ubig_t, counts=counts)
            output = subprocess.run(
                [str(python), "-c", LIFETIMES_SCRIPT, str(arrays), str(args.runs)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        theirs = json.loads(output.strip().splitlines()[-1])
        for label in ("rows", "weighted"):
            block = theirs[label]
            block["median_s"] = round(median(block["seconds"]), 3)
            block["runs_s"] = [round(s, 3) for s in block.pop("seconds")]
            block["speedup_of_ours"] = round(block["median_s"] / comparison["ours"]["median_s"], 1)
            block["same_to_3_significant_digits"] = all(
                significant(block["params"][k]) == significant(comparison["ours"]["params"][k])
                for k in ("r", "alpha", "a", "b")
            )
        comparison["lifetimes"] = theirs
        comparison["distinct_rows"] = len(ux)
    return comparison


def fit_only(args: argparse.Namespace) -> None:
    """Only the fit comparison, on the simulated summary (the refresh reads the very same arrays:
    a full run checks that, see ``summary_matches_simulation``); no database needed."""
    sys.path.insert(0, str(ROOT))
    from guanxi.analytics.statistics import simulate

    orders = simulate.simulate(
        args.customers, orders=args.orders, weeks=WEEKS, cohort_weeks=COHORT_WEEKS, seed=args.seed
    )
    summary = simulate.summarise(orders, args.customers, WEEKS * 7)
    comparison = fit_comparison(summary.x, summary.t_x, summary.big_t, args)
    out = ROOT / "bench" / "results" / "analytics-fit.json"
    out.write_text(json.dumps(comparison, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: comparison[k] for k in ("customers", "ours")}, indent=1))
    for label in ("rows", "weighted"):
        block = comparison["lifetimes"].get(label)
        if block:
            print(
                f"lifetimes ({label}): {block['median_s']} s, ours "
                f"{block['speedup_of_ours']}x faster, "
                f"same to 3 digits: {block['same_to_3_significant_digits']}"
            )
    print(f"written to {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--data-dir", help="Keep (and reuse) a loaded SQLite data directory; else it is removed."
    )
    parser.add_argument(
        "--lifetimes-venv",
        default=str(Path(tempfile.gettempdir()) / "guanxi-bench-lifetimes"),
        help="Throw-away venv for lifetimes (created when missing).",
    )
    parser.add_argument("--no-lifetimes", action="store_true")
    parser.add_argument(
        "--fit-only", action="store_true", help="Only time the BG/NBD fit beside lifetimes."
    )
    args = parser.parse_args()
    if args.fit_only:
        fit_only(args)
        return

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="guanxi-bench-analytics-"))
    os.environ.update(GUANXI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from guanxi.analytics.scoring import model_inputs
    from guanxi.analytics.services.refresh import scores_refresh
    from guanxi.analytics.statistics import bgnbd, simulate
    from guanxi.analytics.summary import months_before, purchase_summary
    from guanxi.commerce.models import Order
    from guanxi.platform.models import User

    vendor = connection.vendor
    results: dict[str, Any] = {"database": vendor, "as_of": AS_OF.isoformat()}
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            results["server"] = f"PostgreSQL {cursor.fetchone()[0]}"
            cursor.execute("SHOW fsync")
            results["fsync"] = cursor.fetchone()[0]
    else:
        import sqlite3

        results["server"] = f"SQLite {sqlite3.sqlite_version}"
    print(f"{results['server']}, data in {data_dir}", flush=True)

    reuse = bool(args.data_dir) and vendor == "sqlite" and (data_dir / "guanxi.sqlite3").exists()
    if reuse and Order.objects.exists():
        results["load"] = {"reused": str(data_dir)}
    else:
        print(f"loading {args.customers:,} customers, about {args.orders:,} orders …", flush=True)
        results["load"] = load(args.customers, args.orders, args.seed)
    admin = User.objects.get(username="admin")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM customers_contact")
        results["customers"] = cursor.fetchone()[0]
    results["baseline_insert_rows_per_s"] = baseline_insert_rate()

    scan, scan_runs, scan_result = timed_query(
        "SELECT COUNT(*), SUM(amount) FROM commerce_order", args.runs
    )
    results["orders"] = int(scan_result[0][0])
    results["baseline_scan"] = {
        "median_s": round(scan, 2),
        "runs_s": [round(s, 2) for s in scan_runs],
    }
    grouped, grouped_runs, grouped_result = timed_query(
        "SELECT COUNT(*), SUM(d.total) FROM (SELECT contact_id, ordered_on, SUM(amount) AS total "
        "FROM commerce_order GROUP BY contact_id, ordered_on) d",
        args.runs,
    )
    results["purchase_days"] = int(grouped_result[0][0])
    results["baseline_group_by_day"] = {
        "median_s": round(grouped, 2),
        "runs_s": [round(s, 2) for s in grouped_runs],
    }
    print(
        f"{results['orders']:,} orders, {results['purchase_days']:,} purchase days; "
        f"scan {scan:.2f} s, grouped by customer and day {grouped:.2f} s",
        flush=True,
    )

    # Other work on this machine shows here: the figures are wall time on two shared cores.
    results["load_average_before_refresh"] = [round(v, 2) for v in os.getloadavg()]
    runs = []
    for run in range(args.runs):
        timer = StageTimer(REFRESH_STAGES)
        with timer.active():
            started = time.perf_counter()
            refresh = scores_refresh(actor=admin, as_of=AS_OF, follow_up_tasks=False)
            seconds = time.perf_counter() - started
        stages = {name: round(timer.seconds.get(name, 0.0), 2) for name in REFRESH_STAGES}
        # The rest: the refresh record, the audit entry and the commit (on PostgreSQL, where the
        # foreign keys of the new score rows are checked).
        stages["rest (commit, records)"] = round(
            seconds - sum(timer.seconds.get(name, 0.0) for name in TOP_LEVEL), 2
        )
        runs.append(
            {
                "seconds": round(seconds, 2),
                "stages_s": stages,
                "previous_scores": run > 0,
            }
        )
        print(f"refresh {run + 1}: {seconds:.1f} s  {runs[-1]['stages_s']}", flush=True)
    results["load_average_after_refresh"] = [round(v, 2) for v in os.getloadavg()]
    results["refresh"] = {
        "median_s": round(median([r["seconds"] for r in runs]), 2),
        "runs": runs,
        "buyers": refresh.buyers,
        "messages": refresh.messages,
    }
    fitted = {**(refresh.bgnbd or {}), **(refresh.gamma_gamma or {})}

    # The model inputs as the refresh reads them, for the parameter check and the fit timing.
    summary = purchase_summary(admin.org_id, as_of=AS_OF, recent_from=months_before(AS_OF, 12))
    x, t_x, big_t, zbar = model_inputs(summary, AS_OF)
    sim = simulate.summarise(
        simulate.simulate(
            args.customers,
            orders=args.orders,
            weeks=WEEKS,
            cohort_weeks=COHORT_WEEKS,
            seed=args.seed,
        ),
        args.customers,
        WEEKS * 7,
    )
    results["summary_matches_simulation"] = bool(
        len(x) == len(sim.x)
        and np.array_equal(x, sim.x)
        and np.allclose(t_x, sim.t_x)
        and np.allclose(big_t, sim.big_t)
    )
    exact = bgnbd.fit(
        *simulate.exact_summary(
            args.customers, weeks=WEEKS, cohort_weeks=COHORT_WEEKS, seed=args.seed
        )
    )
    errors = standard_errors(fitted, x, t_x, big_t, zbar)
    generating = {
        **simulate.CDNOW_PURCHASES.__dict__,
        **simulate.CDNOW_SPEND.__dict__,
    }
    results["parameters"] = {
        name: {
            "generating": value,
            "fitted": round(fitted[name], 4),
            "standard_error": round(errors[name], 4),
            "continuous_time_fit": round(getattr(exact, name), 4) if hasattr(exact, name) else None,
        }
        for name, value in generating.items()
    }

    results["fit_comparison"] = fit_comparison(x, t_x, big_t, args)

    out = ROOT / "bench" / "results" / f"analytics-{vendor}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report(results)
    print(f"written to {out}")
    connection.close()
    if not args.data_dir:  # the SQLite file is about 4 GB at the default size
        shutil.rmtree(data_dir, ignore_errors=True)


def report(results: dict[str, Any]) -> None:
    refresh = results["refresh"]
    print(
        f"\n{results['server']}: {results['customers']:,} customers, {results['orders']:,} orders, "
        f"{results['purchase_days']:,} purchase days"
    )
    print(f"{'measure':<34} {'median s':>9}  runs")
    print(
        f"{'scores_refresh':<34} {refresh['median_s']:>9}  "
        f"{[r['seconds'] for r in refresh['runs']]}"
    )
    for stage in refresh["runs"][0]["stages_s"]:
        values = [r["stages_s"].get(stage, 0.0) for r in refresh["runs"]]
        print(f"  {stage:<32} {round(median(values), 2):>9}  {values}")
    for key in ("baseline_scan", "baseline_group_by_day"):
        print(f"{key:<34} {results[key]['median_s']:>9}  {results[key]['runs_s']}")
    print(
        f"baseline insert {results['baseline_insert_rows_per_s']:,} rows/s; load {results['load']}"
    )
    print(f"\n{'parameter':<8} {'generating':>10} {'fitted':>10} {'s.e.':>8} {'continuous':>10}")
    for name, row in results["parameters"].items():
        se = "" if row["standard_error"] is None else row["standard_error"]
        cont = "" if row["continuous_time_fit"] is None else row["continuous_time_fit"]
        print(f"{name:<8} {row['generating']:>10} {row['fitted']:>10} {se:>8} {cont:>10}")
    comparison = results["fit_comparison"]
    ours = comparison["ours"]
    print(f"\nBG/NBD fit on {comparison['customers']:,} customers: ours {ours['median_s']} s")
    lifetimes = comparison["lifetimes"]
    if "skipped" in lifetimes:
        print(f"lifetimes skipped: {lifetimes['skipped']}")
        return
    for label in ("rows", "weighted"):
        block = lifetimes[label]
        print(
            f"lifetimes {lifetimes['versions']['lifetimes']} ({label}): {block['median_s']} s, "
            f"ours {block['speedup_of_ours']}x faster, same to 3 digits: "
            f"{block['same_to_3_significant_digits']}"
        )
    for name in ("r", "alpha", "a", "b"):
        print(
            f"  {name:<6} ours {significant(ours['params'][name], 5):>8}  "
            f"lifetimes {significant(lifetimes['rows']['params'][name], 5):>8}"
        )


if __name__ == "__main__":
    main()
