"""Contacts and accounts as exports: the lists' own selectors, read in chunks.

Rows come from ``contact_list`` / ``account_list`` with the filters the list pages and the API
accept, so an export holds exactly the records the list shows — only visible ones, and a
contact's company only when the company is visible too (``account_visible``, as on the pages).
How they are read (chunks, one query per chunk for phones, e-mails and tags) is
``export_rows``; this module says what the columns and cards hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.errors import PermissionDeniedError
from guanxi.customers import export_rows, selectors
from guanxi.customers.choices import AccountRole, CompanySize, EmailKind, Gender, PhoneKind
from guanxi.customers.models import Account, Contact
from guanxi.customers.permissions import CustomerPermission
from guanxi.platform.exports.registry import Filters, Table, register_exporter
from guanxi.platform.exports.services import FORMATS
from guanxi.platform.exports.vcards import Address, Email, Phone, VCard

LIST_SEPARATOR = "; "
VCARD_PHONE_TYPES = {PhoneKind.MOBILE: "CELL", PhoneKind.WORK: "WORK", PhoneKind.HOME: "HOME"}
VCARD_EMAIL_TYPES = {EmailKind.WORK: "WORK", EmailKind.PERSONAL: "HOME"}
# Two-character family names; every other Chinese name starts with a one-character one.
_COMPOUND = (
    "欧阳司马上官诸葛东方皇甫令狐慕容尉迟长孙司徒夏侯公孙"
    "轩辕宇文澹台万俟闻人端木南宫申屠呼延独孤西门百里东郭钟离太史赫连拓跋"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND[i : i + 2] for i in range(0, len(_COMPOUND), 2))


def require_export_permission(actor: Any) -> None:
    if not (
        actor.is_authenticated and actor.has_role_permission(CustomerPermission.EXPORT_CUSTOMERS)
    ):
        raise PermissionDeniedError(_("Your role may not export customer lists."))


def split_name(name: str) -> tuple[str, str]:
    """(family, given) as an address book wants them: 张伟 → 张, 伟; 欧阳娜娜 → 欧阳, 娜娜;
    Zoe Smith → Smith, Zoe. A single Latin word stays the given name."""
    name = name.strip()
    if name and "\u3400" <= name[0] <= "\u9fff" and " " not in name:
        cut = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
        return name[:cut], name[cut:]
    words = name.split()
    if len(words) < 2:
        return "", name
    return words[-1], " ".join(words[:-1])


CONTACT_ROW_VALUES = (
    "pk",
    "name",
    "title",
    "account_id",
    "account__name",
    "account_role",
    "wechat_id",
    "birthday",
    "gender",
    "source",
    "external_id",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "description",
    "owner__username",
    "created_at",
    "custom",  # read only when the organisation has custom fields
)
CONTACT_CARD_VALUES = (
    "pk",
    "public_id",
    "name",
    "account_id",
    "title",
    "account__name",
    "birthday",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "description",
)


def _contacts(actor: Any, filters: Filters, values: tuple[str, ...]) -> QuerySet[Any]:
    """Built now, read later: a filter the list refuses (an unknown custom field) is refused
    before the export starts, not halfway through the file."""
    contacts = selectors.contact_list(actor, **export_rows.selector_filters(filters))
    return export_rows.ordered_values(contacts, filters, values)


ContactRecord = tuple[tuple[Any, ...], bool, list[tuple[Any, ...]], list[tuple[Any, ...]], str]


def _contact_records(
    actor: Any, contacts: QuerySet[Any], *, with_tags: bool = True
) -> Iterator[ContactRecord]:
    """Each visible contact's values, whether its company is visible to ``actor`` (asked once
    per chunk, not in a subquery per row), phones, e-mails and tags."""
    for chunk in export_rows.chunks(contacts):
        ids = [row[0] for row in chunk]
        phones, emails = export_rows.phones_of(ids), export_rows.emails_of(ids)
        tags = export_rows.tags_of(Contact, ids) if with_tags else {}
        shown = export_rows.visible_account_ids(actor, {row[3] for row in chunk} - {None})
        for row in chunk:
            pk = row[0]
            yield row, row[3] in shown, phones.get(pk, []), emails.get(pk, []), tags.get(pk, "")


class ContactExporter:
    kind = "contacts"
    label = gettext_lazy("Contacts")
    formats = FORMATS

    def check_permission(self, actor: Any) -> None:
        require_export_permission(actor)

    def rows(self, actor: Any, filters: Filters) -> Table:
        custom = export_rows.CustomColumns(actor, "contact")
        columns = [
            _("Full name"),
            _("Phone"),
            _("E-mail"),
            _("Account"),
            _("Job title"),
            _("Role at the account"),
            _("WeChat ID"),
            _("Birthday"),
            _("Gender"),
            _("Source"),
            _("External id"),
            _("Province"),
            _("City"),
            _("District"),
            _("Street address"),
            _("Postcode"),
            _("Description"),
            _("Tags"),
            _("Owner"),
            _("Created"),
            *custom.labels,
        ]
        values = CONTACT_ROW_VALUES if custom.fields else CONTACT_ROW_VALUES[:-1]
        contacts = _contacts(actor, filters, values)
        return Table(columns=columns, rows=self._rows(actor, contacts, custom))

    def _rows(
        self, actor: Any, contacts: QuerySet[Any], custom: export_rows.CustomColumns
    ) -> Iterator[list[Any]]:
        roles = {value: str(label) for value, label in AccountRole.choices}
        genders = {value: str(label) for value, label in Gender.choices if value}
        for row, account_visible, phones, emails, tags in _contact_records(actor, contacts):
            _pk, name, title, _account_id, account, role, wechat, birthday, gender = row[:9]
            yield [
                name,
                LIST_SEPARATOR.join([number for number, _kind in phones]),
                LIST_SEPARATOR.join([email for email, _kind in emails]),
                account if account_visible else "",
                title,
                roles.get(role, role),
                wechat,
                birthday and export_rows.as_date(birthday),
                genders.get(gender, gender),
                *row[9:17],  # source, external id, province ... postcode, description
                tags,
                row[17],  # owner
                export_rows.as_moment(row[18]),
                *(custom.cells(export_rows.as_custom(row[19])) if custom.fields else ()),
            ]

    def vcards(self, actor: Any, filters: Filters) -> Iterator[VCard]:
        return self._cards(actor, _contacts(actor, filters, CONTACT_CARD_VALUES))

    def _cards(self, actor: Any, contacts: QuerySet[Any]) -> Iterator[VCard]:
        records = _contact_records(actor, contacts, with_tags=False)
        for row, account_visible, phones, emails, _tags in records:
            _pk, public_id, name, _account_id, title, account, birthday = row[:7]
            province, city, district, street, postcode, description = row[7:]
            family, given = split_name(name)
            yield VCard(
                uid=f"urn:uuid:{export_rows.as_uuid(public_id)}",
                full_name=name,
                family_name=family,
                given_name=given,
                phones=[Phone(n, VCARD_PHONE_TYPES.get(kind, "VOICE")) for n, kind in phones],
                emails=[Email(e, VCARD_EMAIL_TYPES.get(kind, "")) for e, kind in emails],
                organisation=account if account_visible else "",
                title=title,
                address=Address(
                    street=" ".join(part for part in (district, street) if part),
                    locality=city,
                    region=province,
                    postcode=postcode,
                    type="WORK" if account_visible else "HOME",
                ),
                birthday=birthday and export_rows.as_date(birthday),
                note=description,
            )


ACCOUNT_VALUES = (
    "pk",
    "public_id",
    "name",
    "industry",
    "size",
    "website",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "description",
    "owner__username",
    "created_at",
    "custom",  # read only when the organisation has custom fields
)


def _accounts(actor: Any, filters: Filters, values: tuple[str, ...]) -> QuerySet[Any]:
    accounts = selectors.account_list(actor, **export_rows.selector_filters(filters))
    return export_rows.ordered_values(accounts, filters, values)


def _account_records(accounts: QuerySet[Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    for chunk in export_rows.chunks(accounts):
        tags = export_rows.tags_of(Account, [row[0] for row in chunk])
        for row in chunk:
            yield row, tags.get(row[0], "")


class AccountExporter:
    kind = "accounts"
    label = gettext_lazy("Accounts")
    formats = FORMATS

    def check_permission(self, actor: Any) -> None:
        require_export_permission(actor)

    def rows(self, actor: Any, filters: Filters) -> Table:
        custom = export_rows.CustomColumns(actor, "account")
        columns = [
            _("Name"),
            _("Industry"),
            _("Size"),
            _("Website"),
            _("Province"),
            _("City"),
            _("District"),
            _("Street address"),
            _("Postcode"),
            _("Description"),
            _("Tags"),
            _("Owner"),
            _("Created"),
            *custom.labels,
        ]
        values = ACCOUNT_VALUES if custom.fields else ACCOUNT_VALUES[:-1]
        return Table(columns=columns, rows=self._rows(_accounts(actor, filters, values), custom))

    def _rows(
        self, accounts: QuerySet[Any], custom: export_rows.CustomColumns
    ) -> Iterator[list[Any]]:
        sizes = {value: str(label) for value, label in CompanySize.choices if value}
        for row, tags in _account_records(accounts):
            name, industry, size, website, *address, description, owner, created = row[2:14]
            yield [
                name,
                industry,
                sizes.get(size, size),
                website,
                *address,
                description,
                tags,
                owner,
                export_rows.as_moment(created),
                *(custom.cells(export_rows.as_custom(row[14])) if custom.fields else ()),
            ]

    def vcards(self, actor: Any, filters: Filters) -> Iterator[VCard]:
        return self._cards(_accounts(actor, filters, ACCOUNT_VALUES[:-1]))

    def _cards(self, accounts: QuerySet[Any]) -> Iterator[VCard]:
        for row, _tags in _account_records(accounts):
            province, city, district, street, postcode = row[6:11]
            yield VCard(
                uid=f"urn:uuid:{export_rows.as_uuid(row[1])}",
                full_name=row[2],
                organisation=row[2],
                address=Address(
                    street=" ".join(part for part in (district, street) if part),
                    locality=city,
                    region=province,
                    postcode=postcode,
                    type="WORK",
                ),
                url=row[5],
                note=row[11],
            )


def register() -> None:
    register_exporter(ContactExporter())
    register_exporter(AccountExporter())
