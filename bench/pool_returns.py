"""``python bench/pool_returns.py [--contacts N]``: the hourly customer-pool job.

``--contacts`` customers (default 1,000,000) owned by six reps of two teams; a pool for one team
with the rules "60 days without a follow-up" and "180 for level E"; one customer in ten with a
recent call, one in fifty with an open opportunity, one in a hundred locked; half of them created
more than 60 days ago. Times, beside a bare count of the contacts in the same run: finding who is
due (the job's query), the warning query (due within the pool's warning days), and the job that
moves them (one transaction each, re-checked under the row lock). Writes
bench/results/pool_returns.json.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(run: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = run()  # type: ignore[operator]
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="guanxi-bench-pool-"))
    os.environ.update(GUANXI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models.functions import Mod
    from django.utils import timezone
    from import_contacts import seed_existing

    from guanxi.customers.models import Activity, Contact
    from guanxi.platform.models import User
    from guanxi.platform.roles import Role
    from guanxi.platform.services.users import team_create, user_create
    from guanxi.sales.models import CustomerLock, PoolRule
    from guanxi.sales.pool_clock import due_customers, returning_soon
    from guanxi.sales.services.opportunities import opportunity_create
    from guanxi.sales.services.pool_customers import customers_return_to_pools
    from guanxi.sales.services.pools import pool_create

    call_command("migrate", verbosity=0)
    call_command("setup", no_demo=True, stdout=io.StringIO())
    admin = User.objects.filter(is_active=True).order_by("pk").first()
    teams = [team_create(actor=None, org=admin.org, name=f"Team {n}") for n in range(2)]
    reps = [
        user_create(
            actor=None,
            username=f"rep{n}",
            password=f"bench-{n}-{os.getpid()}-password",
            org=admin.org,
            role=Role.SALES_REP,
            team=teams[n % 2],
            check_password=False,
        )
        for n in range(6)
    ]
    seed_existing(admin, args.contacts)
    now = timezone.now()
    old = now - datetime.timedelta(days=90)
    ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
    contacts = Contact.objects.annotate(
        m6=Mod("id", 6), m2=Mod("id", 2), m10=Mod("id", 10), m100=Mod("id", 100)
    )
    with transaction.atomic():
        for index, rep in enumerate(reps):
            contacts.filter(m6=index).update(owner=rep, team=rep.team)
        contacts.filter(m2=0).update(created_at=old)
        Activity.objects.bulk_create(
            (
                Activity(
                    org_id=admin.org_id,
                    kind="call",
                    subject="回访",
                    contact_id=pk,
                    created_by=admin,
                    occurred_at=now - datetime.timedelta(days=5),
                )
                for pk in contacts.filter(m10=0).values_list("pk", flat=True)
            ),
            batch_size=5000,
        )
        CustomerLock.objects.bulk_create(
            (
                CustomerLock(org_id=admin.org_id, owner_id=owner, contact_id=pk, locked_at=now)
                for pk, owner in contacts.filter(m100=0).values_list("pk", "owner")
            ),
            batch_size=5000,
        )
    for pk in ids[:: max(1, len(ids) // 200)][:200]:
        opportunity_create(actor=admin, name="商机", contact=Contact.objects.get(pk=pk))
    pool = pool_create(
        actor=admin,
        name="华东公海",
        teams=[teams[0]],
        customer_rules=[
            {"kind": "follow_up", "days": 60},
            {"kind": "follow_up", "level": "E", "days": 180},
        ],
    )
    PoolRule.objects.filter(pool=pool).update(created_at=now - datetime.timedelta(days=400))
    count_s, total = timed(lambda: Contact.objects.count())
    due_s, due = timed(lambda: due_customers(pool, Contact, now).count())
    soon_s, soon = timed(lambda: returning_soon(pool, Contact, now).count())
    job_s, moved = timed(lambda: customers_return_to_pools(now))
    results = {
        "database": connection.vendor,
        "contacts": total,
        "baseline_count_ms": round(count_s * 1000, 1),
        "due": due,
        "due_query_s": round(due_s, 2),
        "returning_soon": soon,
        "warning_query_s": round(soon_s, 2),
        "moved": moved,
        "job_s": round(job_s, 1),
        "moved_per_s": round(moved / job_s) if job_s else None,
        "cpu": os.cpu_count(),
    }
    print(json.dumps(results, indent=2))
    target = ROOT / "bench" / "results" / "pool_returns.json"
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    connection.close()
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
