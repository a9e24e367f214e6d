"""Reading a customer list for an export: plain rows in chunks, and per chunk what hangs off them.

The list's queryset is compiled by the ORM (so its filters and visibility rule are the list's
own) and its rows are read as the database driver returns them, through a cursor that streams
(server-side on PostgreSQL, as ``iterator`` does): the ORM's per-value converters cost more than
the read itself, so the few columns that need one (dates, times, custom values) are converted by
the exporter with ``as_date`` / ``as_moment`` / ``as_custom``. Each chunk's phones, e-mails and
tags come with one query each, plain SQL on purpose: for a 2,000-id ``IN`` list the ORM prepares
every id one by one, which cost more than the whole rest of a CSV export.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Model, QuerySet

from guanxi.customers.custom_fields import custom_fields_of
from guanxi.customers.models import ContactEmail, ContactPhone, CustomField, Tag
from guanxi.customers.models import CustomFieldKind as Kind
from guanxi.customers.selectors import accounts_visible_to
from guanxi.platform.exports.registry import Filters

CHUNK = 2000
# The list pages' sort orders (and the API's newest first), ties broken as the pages do.
ORDERINGS = {
    "id": ("pk",),
    "-id": ("-pk",),
    "name": ("sort_key", "-pk"),
    "-name": ("-sort_key", "-pk"),
    "updated": ("updated_at", "-pk"),
    "-updated": ("-updated_at", "-pk"),
}


def ordered_values(records: QuerySet[Any], filters: Filters, values: tuple[str, ...]) -> Any:
    order = ORDERINGS.get(str(filters.get("sort") or "id"), ORDERINGS["id"])
    records = records.prefetch_related(None).select_related(None).order_by(*order)
    return records.values_list(*values)


def selector_filters(filters: Filters) -> dict[str, Any]:
    return {key: value for key, value in filters.items() if key != "sort"}


def chunks(records: QuerySet[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """The ``values_list`` rows of ``records`` in chunks, values as the driver reads them."""
    try:
        sql, params = records.query.get_compiler(using=records.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing (an empty id list)
        return
    with connections[records.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK):
            yield batch


def as_date(value: Any) -> datetime.date | None:
    """A date column as read by ``chunks``: a date (the drivers parse declared dates), or ISO
    text where a driver does not."""
    if value.__class__ is str:
        return datetime.date.fromisoformat(value)
    return value  # type: ignore[no-any-return]


def as_moment(value: Any) -> datetime.datetime | None:
    """A date-time column as read by ``chunks``: SQLite's driver gives UTC without a zone."""
    if value is None:
        return None
    if value.__class__ is str:
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)  # type: ignore[no-any-return]
    return value  # type: ignore[no-any-return]


def as_uuid(value: Any) -> str:
    """A UUID column as read by ``chunks``: SQLite gives 32 hex digits, PostgreSQL a UUID."""
    return str(uuid.UUID(value) if value.__class__ is str else value)


def as_custom(value: Any) -> dict[str, Any]:
    """The custom values column as read by ``chunks``: JSON text (or already a dict)."""
    if value.__class__ is str:
        return {} if value == "{}" else json.loads(value)  # type: ignore[no-any-return]
    return value or {}


def _grouped(sql: str, ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """``sql`` selects ``(record id, value, ...)`` for the ids at ``{ids}``; rows grouped by id."""
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    if not ids:
        return grouped
    with connection.cursor() as cursor:
        cursor.execute(sql.format(ids=", ".join(["%s"] * len(ids))), ids)
        for row in cursor.fetchall():
            grouped[row[0]].append(row[1:])
    return grouped


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Table and column names come from the models, never from input; the ids are parameters.
def phones_of(ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """``{contact id: [(number, kind), ...]}`` in the contact's order."""
    return _grouped(
        f"SELECT contact_id, number, kind FROM {_table(ContactPhone)} "  # noqa: S608
        "WHERE contact_id IN ({ids}) ORDER BY contact_id, position, id",
        ids,
    )


def emails_of(ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    return _grouped(
        f"SELECT contact_id, email, kind FROM {_table(ContactEmail)} "  # noqa: S608
        "WHERE contact_id IN ({ids}) ORDER BY contact_id, position, id",
        ids,
    )


def tags_of(model: type[Model], ids: list[int]) -> dict[int, str]:
    """``{record id: "tag, tag"}``, tags in alphabetical order."""
    through: Any = model.tags.through  # type: ignore[attr-defined]
    record_column = through._meta.get_field(model._meta.model_name).column
    tag_column = through._meta.get_field("tag").column
    grouped = _grouped(
        f"SELECT link.{record_column}, tag.name FROM {_table(through)} link "  # noqa: S608
        f"JOIN {_table(Tag)} tag ON tag.id = link.{tag_column} "
        f"WHERE link.{record_column} IN ({{ids}}) ORDER BY link.{record_column}, tag.name",
        ids,
    )
    return {pk: ", ".join(name for (name,) in names) for pk, names in grouped.items()}


def visible_account_ids(actor: Any, ids: set[int]) -> set[int]:
    """Which of these companies ``actor`` may see: a visible contact never names another one."""
    if not ids:
        return set()
    return set(accounts_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))


def _custom_reader(definition: CustomField) -> Callable[[Any], Any]:
    """Stored custom values as typed cells: numbers and dates stay numbers and dates in Excel."""
    if definition.kind == Kind.NUMBER:
        convert: Callable[[Any], Any] = decimal.Decimal
    elif definition.kind == Kind.DATE:
        convert = datetime.date.fromisoformat
    else:
        return lambda value: value

    def read(value: Any) -> Any:
        try:
            return convert(value) if value not in (None, "") else None
        except (ValueError, TypeError, decimal.InvalidOperation):
            return str(value)  # an odd stored value is shown as it is, never dropped

    return read


class CustomColumns:
    """One column per active custom field of the organisation, headed by its label."""

    def __init__(self, actor: Any, entity: str) -> None:
        self.fields = custom_fields_of(actor.org_id, entity)
        self.readers = [(field.key, _custom_reader(field)) for field in self.fields]

    @property
    def labels(self) -> list[str]:
        return [field.label for field in self.fields]

    def cells(self, custom: dict[str, Any] | None) -> list[Any]:
        custom = custom or {}
        return [read(custom.get(key)) for key, read in self.readers]
