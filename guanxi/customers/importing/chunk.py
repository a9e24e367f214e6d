"""One chunk of a contact import (see :mod:`guanxi.customers.importing.chunking` for how a chunk
decides its rows): contacts matched by external id, identifier, phone or e-mail; phones, e-mails
and tags added to; the companies rows name found or created; everything written in bulk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from guanxi.customers import selectors
from guanxi.customers.importing.cells import ContactRow, RowCleaner
from guanxi.customers.importing.chunking import (
    CustomerChunk,
    Refused,
    Target,
    custom_of,
)
from guanxi.customers.importing.drafts import Draft, load_drafts, save_drafts
from guanxi.customers.importing.fields import contact_import_fields
from guanxi.customers.importing.matching import Holders, Key, row_keys
from guanxi.customers.services.contacts import MAX_EMAILS, MAX_PHONES
from guanxi.customers.services.imported import NewContact, accounts_insert, contacts_insert
from guanxi.platform.imports.registry import ChangeRecord, ImportField
from guanxi.platform.models import User

CONTACT = "customers.contact"
ACCOUNT = "customers.account"
COLUMNS_OF_STATE = (
    "title",
    "account_role",
    "wechat_id",
    "gender",
    "source",
    "external_id",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "description",
)


def empty_state(owner_id: int) -> dict[str, Any]:
    state: dict[str, Any] = dict.fromkeys(COLUMNS_OF_STATE, "")
    state.update(name="", account=None, owner=owner_id, birthday=None, phones=[], emails=[])
    state["tags"] = []
    return state


@dataclass
class ContactTarget(Target):
    kinds: dict[str, str] = field(default_factory=dict)  # phone number → kind
    account_name: str = ""


class ContactChunk(CustomerChunk):
    entity = "contact"
    target_type = CONTACT
    unique_kinds = ("external_id", "identifier")

    cleaner_class = RowCleaner
    keys_of = staticmethod(row_keys)
    load = staticmethod(load_drafts)
    editable = staticmethod(selectors.editable_contact_ids)

    def look_up(self, rows: list[Any]) -> dict[Key, int | None]:
        return Holders.look_up(self.actor, rows).found

    def new_target(self, owner_id: int) -> Target:
        return ContactTarget(state=empty_state(owner_id))

    def existing_target(self, draft: Any) -> Target:
        return ContactTarget(
            state=draft.state, draft=draft, kinds=draft.kinds, identifiers=draft.identifiers
        )

    def import_fields(self) -> Sequence[ImportField]:
        return contact_import_fields(self.actor)

    def apply(self, target: Target, row: ContactRow, owner: User | None) -> None:
        """Fill and overwrite what the row gives; phones, e-mails and tags are added to."""
        assert isinstance(target, ContactTarget)
        state = target.state
        phones = state["phones"] + [n for n, _k in row.phones if n not in state["phones"]]
        emails = state["emails"] + [e for e in row.emails if e not in state["emails"]]
        if len(phones) > MAX_PHONES:
            raise Refused("phone", _("At most %(count)s phone numbers.") % {"count": MAX_PHONES})
        if len(emails) > MAX_EMAILS:
            raise Refused("email", _("At most %(count)s e-mail addresses.") % {"count": MAX_EMAILS})
        self.apply_shared(target, row, owner)
        if "birthday" in row.fields:
            state["birthday"] = row.fields["birthday"].isoformat()
        state["phones"], state["emails"] = phones, emails
        target.kinds.update((n, kind) for n, kind in row.phones if n not in target.kinds)
        if row.account_name:
            target.account_name = row.account_name

    def preview_extra(self, row: ContactRow, labels: dict[str, str]) -> dict[str, str]:
        shown = {}
        if row.phones:
            shown[labels["phone"]] = " ".join(n for n, _k in row.phones)
        if row.emails:
            shown[labels["email"]] = " ".join(row.emails)
        if row.account_name:
            shown[labels["account"]] = row.account_name
        return shown

    # -- writing -----------------------------------------------------------------------------

    def write(self) -> None:
        touched = [t for t in self.by_pk.values() if t.touched]
        written = [t for t in self.new + touched if isinstance(t, ContactTarget)]
        accounts = self._accounts({t.account_name for t in written if t.account_name})
        for target in written:
            if target.account_name:
                target.state["account"] = accounts[target.account_name]
        tag_ids = self.tags({tag for t in written for tag in t.state["tags"]})
        owner_teams = {user.pk: user.team_id for user in self.owners.values()}
        owner_teams[self.actor.pk] = self.actor.team_id
        ids = contacts_insert(
            actor=self.actor, contacts=[self._new_contact(t, tag_ids) for t in self.new]
        )
        self.result.changes.extend(ChangeRecord(CONTACT, pk, "created") for pk in ids)
        drafts: list[Draft] = [t.draft for t in touched if t.draft is not None]
        for draft in save_drafts(self.actor, drafts, tag_ids=tag_ids, owner_teams=owner_teams):
            before, after = draft.changes()
            self.result.changes.append(ChangeRecord(CONTACT, draft.pk, "updated", before, after))

    def _accounts(self, names: set[str]) -> dict[str, int]:
        """Each company by exact name among the accounts the user may see, as the contact form
        links it; a company not found is created, owned by the importing user."""
        found = selectors.account_ids_by_name(self.actor, sorted(names))
        missing = sorted(names - set(found))
        for name, pk in zip(missing, accounts_insert(actor=self.actor, names=missing), strict=True):
            found[name] = pk
            self.result.changes.append(ChangeRecord(ACCOUNT, pk, "created"))
        return found

    def _new_contact(self, target: Target, tag_ids: dict[str, int]) -> NewContact:
        assert isinstance(target, ContactTarget)
        state = target.state
        fields: dict[str, Any] = {name: state[name] for name in COLUMNS_OF_STATE if state[name]}
        if state["birthday"]:
            fields["birthday"] = _date(state["birthday"])
        fields["account_id"] = state["account"]
        custom = custom_of(state)
        if custom:
            fields["custom"] = custom
        return NewContact(
            name=state["name"] or (state["emails"] or state["phones"] or [""])[0],
            fields=fields,
            phones=[(n, target.kinds[n]) for n in state["phones"]],
            emails=list(state["emails"]),
            tag_ids=[tag_ids[name] for name in state["tags"]],
            identifiers=[
                (field_id, str(custom[key])) for key, field_id in target.identifiers.items()
            ],
            owner=self.user(state["owner"]),
        )


def _date(text: str) -> Any:
    import datetime

    return datetime.date.fromisoformat(text)
