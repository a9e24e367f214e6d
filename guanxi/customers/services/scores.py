"""Replacing an organisation's customer scores as a whole, in one transaction.

Analytics computes every score first and only then calls this; if anything fails before or during
the write, the transaction rolls back and the previous scores stay in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from guanxi.core.bulk import analyze, insert_rows
from guanxi.customers.models import CustomerScore


def customer_scores_replace(
    *, org_id: int, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    with transaction.atomic():
        CustomerScore.objects.filter(org_id=org_id).delete()
        insert_rows(CustomerScore, columns, rows)
    analyze(CustomerScore)
