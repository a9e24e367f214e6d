"""Order import: idempotent by order number, resumable, with a report of every refused row.

The file is read in batches; each batch is one transaction, so a failure part-way keeps whole
batches only and running the same file again carries on where it stopped (rows already there are
counted as unchanged). A row whose order number exists is compared with what is stored: identical
rows change nothing, changed rows update the order.

Two imports of the same file may run at once: the unique order number and customer external id
decide, and a batch that collides with the other import's rows is read and written again (see
:func:`_write_batch_and_count`). Customers are matched only among those the importing user sees.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.commerce.choices import ImportStatus
from guanxi.commerce.hooks import run_after_order_import
from guanxi.commerce.models import Order, OrderImport
from guanxi.commerce.permissions import CommercePermission
from guanxi.commerce.rows import (
    ORDER_FIELDS,
    REQUIRED_COLUMNS,
    OrderRow,
    RowContext,
    RowProblem,
    parse_order_row,
)
from guanxi.core.bulk import insert_rows
from guanxi.core.errors import ConflictError, PermissionDeniedError
from guanxi.customers import selectors as customer_selectors
from guanxi.customers.services.imported import (
    ImportedCustomer,
    contacts_create_imported,
    contacts_link_external_ids,
)
from guanxi.platform.imports.mapping import check_mapping, complete_mapping
from guanxi.platform.services.audit import audit_record
from guanxi.platform.tabular import Table

BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 1000
MAX_ATTEMPTS = 5
NEW_ORDER_COLUMNS = (
    "public_id",
    "created_at",
    "updated_at",
    "org_id",
    "external_id",
    "contact_id",
    "ordered_at",
    "ordered_on",
    "amount",
    "currency",
    "store",
    "channel",
    "status",
)
COMPARED = ("contact_id", "ordered_at", "amount", "currency", "store", "channel", "status")
Progress = Callable[[int, int | None], None]


@dataclass
class _Batch:
    rows: list[tuple[int, OrderRow]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _error(number: int, column: str, message: str) -> dict[str, Any]:
    return {"row": number, "column": column, "message": str(message)}


def _parse(numbered_rows: Iterable[tuple[int, dict[str, str]]]) -> _Batch:
    batch = _Batch()
    seen: set[str] = set()
    context = RowContext.now()
    for number, raw in numbered_rows:
        try:
            row = parse_order_row(raw, context)
        except RowProblem as problem:
            batch.errors.append(_error(number, problem.field, problem.message))
            continue
        if row.order_id in seen:
            batch.errors.append(
                _error(number, "order_id", _("This order id appears twice in the file."))
            )
            continue
        seen.add(row.order_id)
        batch.rows.append((number, row))
    return batch


@dataclass
class _Written:
    """What one batch changed; added to the report only once the batch's transaction commits,
    so that a batch written again after a conflict is not counted twice."""

    orders_created: int = 0
    orders_updated: int = 0
    orders_unchanged: int = 0
    customers_created: int = 0
    customers_matched: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add_to(self, report: OrderImport) -> None:
        for name in (
            "orders_created",
            "orders_updated",
            "orders_unchanged",
            "customers_created",
            "customers_matched",
        ):
            setattr(report, name, getattr(report, name) + getattr(self, name))


def _resolve_customers(
    actor: Any,
    batch: _Batch,
    *,
    create: bool,
    match_by: Sequence[str],
    source: str,
    written: _Written,
) -> tuple[dict[str, int], set[str]]:
    """The contact of each customer id the importing user may use, and the ids held by contacts
    they may not see (never linked, never created again)."""
    wanted = sorted({row.customer_id for _n, row in batch.rows})
    held = customer_selectors.contact_ids_by_external_id(actor, wanted)
    found = {cid: pk for cid, pk in held.items() if pk is not None}
    hidden = {cid for cid, pk in held.items() if pk is None}
    first_row: dict[str, OrderRow] = {}
    for _n, row in batch.rows:
        first_row.setdefault(row.customer_id, row)
    unknown = [cid for cid in wanted if cid not in held]
    links: dict[int, str] = {}
    for key, lookup in (
        ("phone", customer_selectors.contact_ids_by_phone),
        ("email", customer_selectors.contact_ids_by_email),
    ):
        if key not in match_by or not unknown:
            continue
        values = {
            getattr(first_row[cid], key): cid for cid in unknown if getattr(first_row[cid], key)
        }
        for value, contact_id in lookup(actor, list(values)).items():
            if contact_id not in links:
                links[contact_id] = values[value]
                found[values[value]] = contact_id
        unknown = [cid for cid in unknown if cid not in found]
    if links:
        contacts_link_external_ids(actor=actor, links=links)
        written.customers_matched += len(links)
    if unknown and create:
        created = contacts_create_imported(
            actor=actor,
            customers=[
                ImportedCustomer(
                    external_id=cid,
                    name=first_row[cid].name,
                    phone=first_row[cid].phone,
                    email=first_row[cid].email,
                    source=source,
                )
                for cid in unknown
            ],
        )
        found.update(created)
        written.customers_created += len(created)
    return found, hidden


def _stored_orders(org_id: int, order_ids: list[str]) -> dict[str, Order]:
    return {
        order.external_id: order
        for order in Order.objects.filter(org_id=org_id, external_id__in=order_ids)
    }


def _customer_problem(number: int, customer_id: str, *, hidden: bool) -> dict[str, Any]:
    if hidden:
        # The row's own id is repeated, nothing about the contact that holds it.
        message = _("The customer id “%(value)s” belongs to a customer you cannot see.")
    else:
        message = _("No customer has the id “%(value)s”; allow new customers to create one.")
    return _error(number, "customer_id", message % {"value": customer_id[:64]})


def _write_batch(
    actor: Any, batch: _Batch, *, create: bool, match_by: Sequence[str], source: str
) -> _Written:
    written = _Written()
    contacts, hidden = _resolve_customers(
        actor, batch, create=create, match_by=match_by, source=source, written=written
    )
    existing = _stored_orders(actor.org_id, [row.order_id for _n, row in batch.rows])
    # An order already stored for a customer the importer cannot see is not theirs to move or
    # rewrite (a number reused by another store, or a guess).
    seen = customer_selectors.visible_contact_ids(
        actor, {order.contact_id for order in existing.values() if order.contact_id}
    )
    new_orders: list[tuple[Any, ...]] = []
    changed: list[Order] = []
    now = timezone.now()
    for number, row in batch.rows:
        contact_id = contacts.get(row.customer_id)
        if contact_id is None:
            written.errors.append(
                _customer_problem(number, row.customer_id, hidden=row.customer_id in hidden)
            )
            continue
        stored = existing.get(row.order_id)
        if stored is not None and stored.contact_id and stored.contact_id not in seen:
            message = _("The order id “%(value)s” belongs to a customer you cannot see.")
            written.errors.append(
                _error(number, "order_id", message % {"value": row.order_id[:64]})
            )
            continue
        values = {
            "contact_id": contact_id,
            "ordered_at": row.ordered_at,
            "ordered_on": row.ordered_on,
            "amount": row.amount,
            "currency": row.currency,
            "store": row.store,
            "channel": row.channel,
            "status": row.status,
        }
        order = existing.get(row.order_id)
        if order is None:
            new_orders.append(
                (uuid.uuid4(), now, now, actor.org_id, row.order_id, *values.values())
            )
        elif any(getattr(order, name) != values[name] for name in COMPARED):
            for name, value in values.items():
                setattr(order, name, value)
            order.updated_at = timezone.now()
            changed.append(order)
        else:
            written.orders_unchanged += 1
    # The bulk path (COPY on PostgreSQL): the ORM's per-object work would cap a large import at
    # a few thousand rows a second. The database assigns the keys. COPY runs on the driver's own
    # cursor, so its unique violation is turned into Django's IntegrityError here.
    with connection.wrap_database_errors:
        insert_rows(Order, NEW_ORDER_COLUMNS, new_orders)
    if changed:
        fields = ["contact_id", "ordered_on", *COMPARED[1:], "updated_at"]
        Order.objects.bulk_update(changed, fields, batch_size=1000)
    written.orders_created = len(new_orders)
    written.orders_updated = len(changed)
    return written


def _write_batch_and_count(
    actor: Any,
    batch: _Batch,
    report: OrderImport,
    *,
    rows_read: int,
    create: bool,
    match_by: Sequence[str],
) -> None:
    """Write one batch in one transaction, again from a fresh read after a unique conflict.

    Another import of the same file, or a person adding the same customer, may write an order
    number or an external id between this batch's read and its insert. The database's unique
    constraints refuse the second insert; the batch then rolls back (to its savepoint) and reads
    again, and finds those rows already there, so both imports finish with each row once.
    """
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                written = _write_batch(
                    actor, batch, create=create, match_by=match_by, source=report.file_name[:60]
                )
                written.add_to(report)
                report.rows_read += rows_read
                _record_errors(report, [*batch.errors, *written.errors])
                report.save()
            return
        except IntegrityError:
            if attempt == MAX_ATTEMPTS:
                raise ConflictError(
                    _(
                        "Other changes to the same orders or customers kept colliding with this "
                        "import. Run it again: what it has written so far is kept."
                    )
                ) from None


def _record_errors(report: OrderImport, errors: list[dict[str, Any]]) -> None:
    """Refused rows in file order, whichever check refused them."""
    errors = sorted(errors, key=lambda error: error["row"])
    room = MAX_REPORTED_ERRORS - len(report.errors)
    report.errors.extend(errors[: max(room, 0)])
    report.error_count += len(errors)


def _chunks(rows: Iterator[tuple[int, dict[str, str]]], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _with_order_columns(
    table: Table, mapping: dict[str, str] | None
) -> tuple[Table, dict[str, str]]:
    """The table with its columns renamed to the order fields: 订单号 → order_id, 金额 → amount.

    ``mapping`` (column → field, from ``--map`` or a template) wins; the other columns are
    proposed from the fields' aliases. Columns that feed no field are left out.
    """
    chosen = complete_mapping(table.columns, ORDER_FIELDS, mapping or {})
    chosen = check_mapping(table.columns, chosen, ORDER_FIELDS, required_fields=())
    renamed = [(column, chosen[column]) for column in table.columns if column in chosen]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, row in table.rows:
            yield number, {key: row.get(column, "") for column, key in renamed}

    fields = [key for _column, key in renamed]
    return Table(columns=fields, rows=rows(), total_rows=table.total_rows), chosen


def orders_import(
    *,
    actor: Any,
    table: Table,
    file_name: str = "",
    create_customers: bool = False,
    match_by: Sequence[str] | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    mapping: dict[str, str] | None = None,
) -> OrderImport:
    if not actor.has_role_permission(CommercePermission.IMPORT_ORDERS):
        raise PermissionDeniedError(_("You may not import orders."))
    table, used = _with_order_columns(table, mapping)
    table.require(REQUIRED_COLUMNS)
    match_by = tuple(settings.GUANXI_ORDER_IMPORT_MATCH if match_by is None else match_by)
    renamed = {column: key for column, key in used.items() if column != key}
    with transaction.atomic():
        report = OrderImport.objects.create(
            org_id=actor.org_id, actor=actor, file_name=file_name[:200]
        )
        audit_record(
            actor=actor,
            verb="commerce.import.started",
            target=report,
            changes={"mapping": renamed} if renamed else None,
        )
    try:
        for chunk in _chunks(table.rows, batch_size):
            _write_batch_and_count(
                actor,
                _parse(chunk),
                report,
                rows_read=len(chunk),
                create=create_customers,
                match_by=match_by,
            )
            if progress:
                progress(report.rows_read, table.total_rows)
    except BaseException as exc:
        with transaction.atomic():
            report.refresh_from_db()
            report.status = ImportStatus.FAILED
            report.finished_at = timezone.now()
            report.save(update_fields=["status", "finished_at", "updated_at"])
            audit_record(
                actor=actor,
                verb="commerce.import.failed",
                target=report,
                changes={"rows_read": report.rows_read, "error": str(exc)[:500]},
            )
        raise
    with transaction.atomic():
        report.status = ImportStatus.FINISHED
        report.finished_at = timezone.now()
        report.save()
        audit_record(
            actor=actor,
            verb="commerce.import.finished",
            target=report,
            changes={
                name: getattr(report, name)
                for name in (
                    "rows_read",
                    "orders_created",
                    "orders_updated",
                    "orders_unchanged",
                    "customers_created",
                    "customers_matched",
                    "error_count",
                )
            },
        )
    run_after_order_import(report.pk)
    return report
