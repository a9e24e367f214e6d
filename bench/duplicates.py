"""``python bench/duplicates.py [--contacts N] [--seed S]``: duplicate detection at scale.

Generates the labelled set (``guanxi.customers.duplicates.labelled``: bilingual people, a third
of them entered two or three times with realistic differences, plus namesakes and family
members) at N contacts (default 1,000,000), writes it into a fresh SQLite database the fast way,
then times ``duplicates_scan`` as an administrator: loading the facts, blocking, scoring, saving.
Prints precision, recall and F1 against the labels at that size, and writes
bench/results/duplicates.json. Goal: under 5 minutes for 1,000,000 contacts.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DUPLICATES_PER_PERSON = 1.5  # what labelled_set makes on average


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="guanxi-bench-duplicates-"))
    os.environ.update(GUANXI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from guanxi.customers.duplicates.labelled import labelled_set, measure, write_labelled
    from guanxi.customers.duplicates.scan import duplicates_scan
    from guanxi.customers.duplicates.selectors import duplicate_pairs
    from guanxi.customers.models import Contact
    from guanxi.platform.selectors import command_actor

    call_command("migrate", verbosity=0)
    call_command("setup", no_demo=True, stdout=io.StringIO())
    admin = command_actor(None)

    started = time.perf_counter()
    labelled = labelled_set(round(args.contacts / DUPLICATES_PER_PERSON), seed=args.seed)
    generated = time.perf_counter() - started
    write_labelled(labelled, org_id=admin.org_id, owner_id=admin.pk)
    written = time.perf_counter() - started - generated
    print(f"{len(labelled.records):,} contacts generated in {generated:.0f} s, "
          f"written in {written:.0f} s")  # fmt: skip

    stages: dict[str, float] = {}
    scan_started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if done >= total:
            stages[stage] = round(time.perf_counter() - scan_started, 1)

    counts = duplicates_scan(actor=admin, entity="contacts", progress=progress)
    seconds = time.perf_counter() - scan_started
    external = dict(Contact.objects.values_list("pk", "external_id"))
    found = [
        (external[a], external[b])
        for a, b in duplicate_pairs(admin, "contact").values_list("first_id", "second_id")
    ]
    quality = measure(labelled, found)
    results = {
        "database": connection.vendor,
        "contacts": len(labelled.records),
        "seconds": round(seconds, 1),
        "stages_seconds_since_start": stages,
        "candidate_pairs": counts["candidates"],
        "candidate_pairs_per_s": round(counts["candidates"] / seconds),
        "pairs_found": counts["pairs"],
        "certain": counts["certain"],
        "review": counts["review"],
        "quality": quality.as_dict(),
    }
    print(
        f"scan: {seconds:.1f} s ({stages}), {counts['candidates']:,} candidate pairs "
        f"({counts['candidates'] / seconds:,.0f}/s), {counts['pairs']:,} pairs found "
        f"({counts['certain']:,} certain, {counts['review']:,} review)"
    )
    print(f"quality at {len(labelled.records):,}: {quality.as_dict()}")
    target = ROOT / "bench" / "results" / "duplicates.json"
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    connection.close()
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
