"""The fast path for writing many rows at once: COPY on PostgreSQL, executemany on SQLite.

Used by data generators and imports that write hundreds of thousands of rows, where the ORM's
per-object work would dominate. Callers assign primary keys themselves (see :func:`next_ids`) and
call :func:`reset_sequences` afterwards so that ordinary inserts continue after them.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
        return int(cursor.fetchone()[0]) + 1


def _sqlite_value(value: Any) -> Any:
    """SQLite stores what Django would: UUIDs as hex, datetimes as naive UTC text."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({marks})",  # noqa: S608
                [tuple(_sqlite_value(v) for v in row) for row in rows],
            )


def analyze(*tables: type[models.Model]) -> None:
    """Fresh planner statistics after a bulk load, so the first queries pick the right indexes."""
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reset_sequences(*models_to_reset: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_to_reset))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
