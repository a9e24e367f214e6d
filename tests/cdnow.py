"""The CDNOW sample as an order file in the import format, as a shop system would send it."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data" / "cdnow"
SAMPLE = DATA / "CDNOW_sample.txt"
SUMMARY = DATA / "cdnow_customers_summary_with_transactions.csv"
CALIBRATION_END = "1997-09-30"


def write_order_file(target: Path) -> Path:
    """One order per transaction line; ``customer_id`` is the sample's customer index."""
    with SAMPLE.open() as source, target.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["order_id", "customer_id", "ordered_at", "amount", "currency"])
        for number, line in enumerate(source, start=1):
            _master_id, index, day, _cds, dollars = line.split()
            writer.writerow(
                [f"cdnow-{number}", index, f"{day[:4]}-{day[4:6]}-{day[6:]}", dollars, "USD"]
            )
    return target


def published_summary() -> dict[str, tuple[int, float, float, float]]:
    """customer index → (x, t_x, T, zbar) from the published calibration summary."""
    with SUMMARY.open() as source:
        return {
            row["ID"].zfill(4): (
                int(row["x"]),
                float(row["t_x"]),
                float(row["T"]),
                float(row["zbar"]),
            )
            for row in csv.DictReader(source)
        }
