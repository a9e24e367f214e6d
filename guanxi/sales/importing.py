"""The ``leads`` importer on the platform's import framework: the 4,700 business cards from a
trade show, as a CSV (UTF-8 or GB18030 as Excel writes it) or an XLSX.

Columns map as a contact's do (姓名, 手机, 邮箱, 公司, 职位, 省, 市 ...), plus the channel (来源)
and the event (活动 / 展会, kept as the lead's campaign). Each row is checked like a lead typed in
(a name, and a phone, an e-mail or a company) and de-duplicated by normalised phone and e-mail:
against the rest of the file (a later row is skipped), against the customers the importing user
may see (skipped: already a customer), and against visible leads (updated, skipped or created
again, as ``on_match`` says). New leads go to the owner a row names, else round-robin over the
``assign`` option's users (``auto``: by the assignment rules), else to the importing user;
``event`` tags every lead of the batch.
Undo deletes (restorably) the leads the batch created that nobody has converted since.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import cycle
from typing import Any, cast

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.errors import GuanxiError, ServiceValidationError
from guanxi.customers import search
from guanxi.customers.importing.cells import collapse, combined_name
from guanxi.customers.importing.fields import contact_import_fields
from guanxi.customers.models import ContactEmail, ContactPhone
from guanxi.customers.selectors import contacts_visible_to
from guanxi.customers.services.contacts import clean_phones
from guanxi.platform.imports.registry import (
    ChangeRecord,
    ChunkContext,
    ChunkResult,
    ImportField,
    MappedRow,
    RowError,
)
from guanxi.platform.models import User
from guanxi.platform.records import require_permission
from guanxi.platform.services.audit import audit_record
from guanxi.sales.models import Lead, LeadSearchToken
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.pool_list import pooled_contact_ids
from guanxi.sales.selectors import leads_visible_to
from guanxi.sales.services.assignment import owner_by_rules
from guanxi.sales.services.channels import channel_for
from guanxi.sales.services.leads import lead_update
from guanxi.sales.services.leads_bulk import NewLead, lead_checked, leads_insert

LEAD = "sales.lead"
PREVIEW_ROWS = 20
# A contact field key → the lead's; the rest of the contact's fields a lead does not have.
FROM_CONTACT = {
    "name": "name",
    "name.family": "name.family",
    "name.given": "name.given",
    "phone": "phone",
    "email": "email",
    "title": "title",
    "account": "company",
    "province": "province",
    "city": "city",
    "district": "district",
    "description": "message",
    "owner": "owner",
    "source": "source",
}


def lead_import_fields(actor: Any) -> list[ImportField]:
    fields = [
        ImportField(FROM_CONTACT[f.key], f.label, f.aliases, f.several, f.required)
        for f in contact_import_fields(actor)
        if f.key in FROM_CONTACT
    ]
    fields.append(
        ImportField(
            "event",
            _("Event or campaign"),
            ("活动", "展会", "会议", "event", "campaign", "utm_campaign"),
        )
    )
    return fields


def _first(cells: MappedRow, key: str) -> str:
    return next((collapse(c) for c in cells.get(key, []) if c and c.strip()), "")


class _Chunk:
    def __init__(self, context: ChunkContext):
        self.context = context
        self.actor = context.actor
        self.result = ChunkResult()
        names = [str(n) for n in context.options.get("assign") or []]
        # ``auto``: the organisation's assignment rules pick each owner (by the row's region).
        self.by_rules = names == ["auto"]
        self.given: Counter[int] = Counter()  # leads given to each rep, not yet written
        # A dry run keeps the round in memory: it writes nothing, not even whose turn it is.
        self.turns: dict[int, int] | None = {} if context.dry_run else None
        users = User.objects.filter(org_id=self.actor.org_id, username__in=names, is_active=True)
        self.assignees = cycle(list(users.order_by("username"))) if names else None
        self.event = collapse(str(context.options.get("event") or ""))[:100]
        self.pending: list[NewLead] = []
        self.sources: dict[str, Any] = {}

    def refuse(self, number: int, column: str, message: str) -> None:
        self.result.errors.append(RowError(number, column, message))

    def clean(self, number: int, cells: MappedRow) -> dict[str, Any] | None:
        name = _first(cells, "name") or combined_name(
            _first(cells, "name.family"), _first(cells, "name.given")
        )
        if not name:
            self.refuse(number, "name", _("A lead needs a name."))
            return None
        parts = [
            part
            for cell in cells.get("phone", [])
            for part in (p.strip() for p in cell.replace("/", ";").split(";"))
            if part
        ]
        try:
            # Cleaned as every lead's numbers are, so a dry run refuses what the import would.
            phones = [number for number, _kind in clean_phones(parts)]
        except ServiceValidationError as error:
            self.refuse(number, "phone", next(iter(error.field_errors.values()))[0])
            return None
        emails = [
            e.strip().lower() for c in cells.get("email", []) for e in c.split(";") if e.strip()
        ]
        return {
            "number": number,
            "name": name[:100],
            "phones": list(dict.fromkeys(phones)),
            "emails": list(dict.fromkeys(emails)),
            "company": _first(cells, "company")[:200],
            "title": _first(cells, "title")[:100],
            "province": _first(cells, "province"),
            "city": _first(cells, "city"),
            "district": _first(cells, "district"),
            "message": "\n".join(c.strip() for c in cells.get("message", []) if c.strip()),
            "owner": _first(cells, "owner"),
            "source": _first(cells, "source") or "import",
            "event": _first(cells, "event")[:100] or self.event,
        }

    def customers_holding(self, rows: list[dict[str, Any]]) -> set[str]:
        """The numbers and addresses of these rows that customers the user may see have (or
        that customers waiting in a pool the user takes from have).

        Read by value first (the indexes on number and address), then the few holders checked
        against visibility: asked in one query, SQLite walks every visible contact instead."""
        phones = {p for row in rows for p in row["phones"]}
        emails = {e for row in rows for e in row["emails"]}
        holders = list(
            ContactPhone.objects.filter(number__in=phones).values_list("number", "contact_id")
        )
        holders += ContactEmail.objects.filter(email__in=emails).values_list("email", "contact_id")
        ids = {contact_id for _value, contact_id in holders}
        visible = set(
            contacts_visible_to(self.actor).filter(pk__in=ids).values_list("pk", flat=True)
        )
        visible |= pooled_contact_ids(self.actor, ids - visible)
        return {value for value, contact_id in holders if contact_id in visible}

    def leads_holding(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Key ("+86138…" or an address) → the oldest visible lead holding it, by search key."""
        wanted: dict[str, str] = {}
        for row in rows:
            for phone in row["phones"]:
                for key in search.phone_keys(phone):
                    if key.startswith(search.PHONE_FRONT):
                        wanted[key] = phone
            for email in row["emails"]:
                wanted[search.WORD + email[: search.MAX_KEY - 2]] = email
        if not wanted:
            return {}
        tokens = LeadSearchToken.objects.filter(
            token__in=list(wanted), lead__in=leads_visible_to(self.actor).values("pk")
        ).order_by("-lead_id")
        return {wanted[token]: lead_id for token, lead_id in tokens.values_list("token", "lead_id")}

    def run(self, rows: Sequence[tuple[int, MappedRow]]) -> ChunkResult:
        cleaned = [c for number, cells in rows if (c := self.clean(number, cells)) is not None]
        customers = self.customers_holding(cleaned)
        leads = self.leads_holding(cleaned)
        seen: set[str] = set()
        for row in cleaned:
            keys = [*row["phones"], *row["emails"]]
            if any(key in seen for key in keys) or any(key in customers for key in keys):
                self.result.skipped += 1  # the file's earlier row, or already a customer
                continue
            seen.update(keys)
            existing = next((leads[key] for key in keys if key in leads), None)
            if existing is not None and self.context.on_match != "create":
                if self.context.on_match == "skip":
                    self.result.skipped += 1
                else:
                    self.update(existing, row)
                continue
            self.create(row)
        self.write_new()
        return self.result

    def _owner(self, row: dict[str, Any]) -> Any:
        if row["owner"]:
            return User.objects.filter(
                org_id=self.actor.org_id, username=row["owner"], is_active=True
            ).first()
        if self.by_rules:
            return owner_by_rules(
                self.actor.org_id,
                row.get("province") or "",
                pending=self.given,
                turns=self.turns,
            )
        return next(self.assignees) if self.assignees else None

    def create(self, row: dict[str, Any]) -> None:
        owner = self._owner(row)
        if row["owner"] and owner is None:
            self.refuse(
                row["number"],
                "owner",
                _("No user named “%(name)s”.") % {"name": row["owner"][:150]},
            )
            return
        fields = {
            k: row[k]
            for k in ("company", "title", "province", "city", "district", "message")
            if row[k]
        }
        if row["event"]:
            fields["utm_campaign"] = row["event"]
        new = NewLead(
            name=row["name"],
            phones=row["phones"],
            emails=row["emails"],
            source=row["source"],
            owner=owner or self.actor,
            fields=fields,
        )
        try:
            lead_checked(new)
            if row["source"] not in self.sources:
                self.sources[row["source"]] = channel_for(self.actor.org_id, row["source"])
        except GuanxiError as error:
            field, messages = next(iter(error.field_errors.items()), ("name", [error.message]))
            column = {"phones": "phone", "emails": "email"}.get(field.split(".")[0], field)
            self.refuse(row["number"], column, messages[0])
            return
        self._preview(row)
        self.result.created += 1
        self.pending.append(new)

    def write_new(self) -> None:
        """Every new lead of the chunk in a few bulk inserts (the framework's transaction)."""
        if self.context.dry_run or not self.pending:
            return
        for pk in leads_insert(actor=self.actor, leads=self.pending):
            self.result.changes.append(ChangeRecord(LEAD, pk, "created"))

    def update(self, lead_id: int, row: dict[str, Any]) -> None:
        lead = leads_visible_to(self.actor).filter(pk=lead_id).first()
        given = {k: row[k] for k in ("company", "title", "message") if row[k]}
        if lead is None or not given or lead.pool_id is not None or lead.converted_at:
            self.result.skipped += 1
            return
        self._preview(row)
        if self.context.dry_run:
            self.result.updated += 1
            return
        before = {k: getattr(lead, k) for k in given}
        try:
            lead_update(actor=self.actor, lead=lead, version=lead.version, **given)
        except GuanxiError as error:
            self.refuse(row["number"], "name", error.message)
            return
        self.result.updated += 1
        self.result.changes.append(ChangeRecord(LEAD, lead.pk, "updated", before, given))

    def _preview(self, row: dict[str, Any]) -> None:
        if len(self.result.preview) < PREVIEW_ROWS:
            self.result.preview.append(
                {
                    _("Name"): row["name"],
                    _("Phone"): "; ".join(row["phones"]),
                    _("E-mail"): "; ".join(row["emails"]),
                    _("Company"): row["company"],
                    _("Event or campaign"): row["event"],
                }
            )


class LeadImporter:
    kind = "leads"
    label: str = cast(str, gettext_lazy("Leads"))

    def fields(self, actor: Any) -> Sequence[ImportField]:
        return lead_import_fields(actor)

    def check_permission(self, actor: Any) -> None:
        require_permission(actor, SalesPermission.ADD_LEADS)

    def required_fields(self) -> Sequence[str]:
        return ("name", "name.family", "name.given")

    def write_chunk(
        self, context: ChunkContext, rows: Sequence[tuple[int, MappedRow]]
    ) -> ChunkResult:
        self.check_permission(context.actor)
        return _Chunk(context).run(rows)

    def undo(self, actor: Any, changes: Sequence[Any]) -> dict[str, int]:
        """Created leads nobody converted since are deleted (restorable for 30 days); updated
        ones get back the values they had where they still hold what the import wrote."""
        created = [c.target_id for c in changes if c.action == "created"]
        removable = Lead.objects.filter(
            Q(pk__in=created), converted_at__isnull=True, deleted_at__isnull=True
        )
        now = timezone.now()
        removed = 0
        for lead in removable.filter(pk__in=leads_visible_to(actor).values("pk")):
            Lead.objects.filter(pk=lead.pk).update(deleted_at=now, updated_at=now)
            audit_record(actor=actor, verb="sales.lead.deleted", target=lead)
            removed += 1
        restored = 0
        for change in changes:
            if change.action != "updated":
                continue
            found = leads_visible_to(actor).filter(pk=change.target_id).first()
            after, before = change.after or {}, change.before or {}
            if found is None or any(getattr(found, k) != v for k, v in after.items()):
                continue
            lead_update(actor=actor, lead=found, version=found.version, **before)
            restored += 1
        return {"removed": removed, "restored": restored, "kept": len(created) - removed}
