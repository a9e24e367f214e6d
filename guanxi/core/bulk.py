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


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for rows the caller inserts itself, safe beside other writers.

    PostgreSQL hands them out from the table's own sequence, so ordinary inserts and a concurrent
    import never collide and no sequence reset is needed. SQLite takes the write lock when the
    transaction begins (``transaction_mode=IMMEDIATE``): inside it, the next free keys are ours.
    """
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [int(row[0]) for row in cursor.fetchall()]
    first = next_id(model)
    return list(range(first, first + count))


def _sqlite_value(value: Any) -> Any:
    """SQLite stores what Django would: UUIDs as hex, datetimes as naive UTC text."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


CONVERTED = (uuid.UUID, datetime.date)  # what _sqlite_value changes; datetimes are dates too


def _sqlite_column(values: tuple[Any, ...]) -> Sequence[Any]:
    if not any(issubclass(kind, CONVERTED) for kind in set(map(type, values))):
        return values
    try:
        converted = {v: _sqlite_value(v) for v in set(values) if isinstance(v, CONVERTED)}
        return [converted.get(v, v) for v in values]
    except TypeError:  # unhashable values: convert each
        return list(map(_sqlite_value, values))


def _sqlite_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The rows with :func:`_sqlite_value` applied, a column at a time.

    A million score rows of 27 columns are 27 million values: converting each took 10 s, mostly
    for the same refresh time a million times. Columns without UUIDs, days or times are left as
    they are, and the others repeat a few distinct values, each converted once (4 s in all).
    """
    columns = list(zip(*rows, strict=True))
    return list(zip(*map(_sqlite_column, columns), strict=True))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg cursor under Django's wrapper
            # The raw cursor bypasses Django's error translation: a unique violation must still
            # surface as django.db.IntegrityError so callers (concurrent imports) can react to it.
            with (
                connection.wrap_database_errors,
                raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({marks})",  # noqa: S608
                _sqlite_rows(rows),
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


def update_rows(
    model: type[models.Model], field_names: Sequence[str], objects: Sequence[Any]
) -> None:
    """Write ``field_names`` of each object with one ``executemany`` UPDATE by primary key.

    ``bulk_update`` builds a ``CASE WHEN`` per column over the whole batch, which costs more in
    Python than the update itself at thousands of rows; this is the plain statement, repeated.
    """
    if not objects or not field_names:
        return
    fields: list[Any] = [model._meta.get_field(name) for name in field_names]
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # noqa: S608
