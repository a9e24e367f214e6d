"""What the scorer compares, loaded in bulk and normalised once per record.

A scan of a million contacts cannot afford a query or a pinyin conversion per pair, so each
record becomes one small immutable :class:`ContactFacts` / :class:`AccountFacts` up front: a few
``values_list`` queries for all of them, and the names' normal forms cached by name.
The form warning builds the same facts from the values typed in (:func:`facts_from_values`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from guanxi.customers.choices import PhoneKind
from guanxi.customers.duplicates.normalise import (
    company_normalised,
    email_normalised,
    name_parts,
    place_normalised,
    street_normalised,
    website_domain,
)
from guanxi.customers.models import (
    Account,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomIdentifier,
)

CHUNK = 20_000
_ADDRESS = ("province", "city", "district", "street", "postcode")


@dataclass(frozen=True, slots=True)
class ContactFacts:
    id: int | None
    external_id: str = ""
    written_name: str = ""
    name: str = ""  # comparable: simplified, lower case, no spaces or honorifics
    syllables: tuple[str, ...] = ()
    latin: tuple[str, ...] = ()
    phones: frozenset[str] = frozenset()  # E.164
    mobiles: frozenset[str] = frozenset()  # the phones that belong to one person
    emails: frozenset[str] = frozenset()
    birthday: datetime.date | None = None
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""
    company: str = ""
    identifiers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AccountFacts:
    id: int | None
    written_name: str = ""
    name: str = ""  # company name without legal-form words
    syllables: tuple[str, ...] = ()
    latin: tuple[str, ...] = ()
    website: str = ""  # domain
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""
    identifiers: Mapping[str, str] = field(default_factory=dict)


def _ids_of(ids_or_queryset: Iterable[int] | QuerySet[Any]) -> list[int]:
    if isinstance(ids_or_queryset, QuerySet):
        return list(ids_or_queryset.order_by().values_list("pk", flat=True))
    return sorted(set(ids_or_queryset))


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _identifiers(entity: str, ids: list[int]) -> dict[int, dict[str, str]]:
    column = f"{entity}_id"
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(ids):
        rows = CustomIdentifier.objects.filter(**{f"{column}__in": chunk}).values_list(
            column, "field__key", "value"
        )
        for owner_id, key, value in rows:
            found[owner_id][key] = value.strip().upper()
    return found


def _address(province: str, city: str, district: str, street: str, postcode: str) -> dict[str, str]:
    return {
        "province": place_normalised(province),
        "city": place_normalised(city),
        "district": place_normalised(district),
        "street": street_normalised(street),
        "postcode": (postcode or "").strip(),
    }


def contact_facts(ids_or_queryset: Iterable[int] | QuerySet[Any]) -> list[ContactFacts]:
    """Facts of the given contacts, in id order, in a handful of queries per 20,000."""
    ids = _ids_of(ids_or_queryset)
    identifiers = _identifiers("contact", ids)
    facts: list[ContactFacts] = []
    for chunk in _chunks(ids):
        phones: dict[int, set[str]] = defaultdict(set)
        mobiles: dict[int, set[str]] = defaultdict(set)
        for contact_id, number, kind in ContactPhone.objects.filter(
            contact_id__in=chunk
        ).values_list("contact_id", "number", "kind"):
            phones[contact_id].add(number)
            if kind == PhoneKind.MOBILE:
                mobiles[contact_id].add(number)
        emails: dict[int, set[str]] = defaultdict(set)
        for contact_id, email in ContactEmail.objects.filter(contact_id__in=chunk).values_list(
            "contact_id", "email"
        ):
            emails[contact_id].add(email_normalised(email))
        rows = (
            Contact.objects.filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "external_id", "name", "birthday", "account__name", *_ADDRESS)
        )
        for pk, external_id, name, birthday, company, *address in rows:
            comparable, syllables, latin = name_parts(name)
            facts.append(
                ContactFacts(
                    id=pk,
                    external_id=external_id,
                    written_name=name,
                    name=comparable,
                    syllables=syllables,
                    latin=latin,
                    phones=frozenset(phones.get(pk, ())),
                    mobiles=frozenset(mobiles.get(pk, ())),
                    emails=frozenset(emails.get(pk, ())),
                    birthday=birthday,
                    company=company_normalised(company or ""),
                    identifiers=identifiers.get(pk, {}),
                    **_address(*address),
                )
            )
    return facts


def account_facts(ids_or_queryset: Iterable[int] | QuerySet[Any]) -> list[AccountFacts]:
    ids = _ids_of(ids_or_queryset)
    identifiers = _identifiers("account", ids)
    facts: list[AccountFacts] = []
    for chunk in _chunks(ids):
        rows = (
            Account.objects.filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "name", "website", *_ADDRESS)
        )
        for pk, name, website, *address in rows:
            facts.append(_account(pk, name, website, identifiers.get(pk, {}), _address(*address)))
    return facts


def _account(
    pk: int | None, name: str, website: str, identifiers: Mapping[str, str], address: dict[str, str]
) -> AccountFacts:
    _, syllables, latin = name_parts(name)
    return AccountFacts(
        id=pk,
        written_name=name,
        name=company_normalised(name),
        syllables=syllables,
        latin=latin,
        website=website_domain(website),
        identifiers=identifiers,
        **address,
    )


def _identifier_values(identifiers: Mapping[str, Any] | None) -> dict[str, str]:
    return {
        key: str(value).strip().upper()
        for key, value in (identifiers or {}).items()
        if value is not None and str(value).strip()
    }


def facts_from_values(
    *,
    id: int | None = None,
    external_id: str = "",
    name: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    birthday: datetime.date | None = None,
    province: str = "",
    city: str = "",
    district: str = "",
    street: str = "",
    postcode: str = "",
    company: str = "",
    identifiers: Mapping[str, Any] | None = None,
) -> ContactFacts:
    """Facts of a contact not saved yet (the form warning). ``phones`` are E.164 numbers."""
    from guanxi.customers.phones import inferred_kind

    numbers = frozenset(p for p in phones if p)
    comparable, syllables, latin = name_parts(name)
    return ContactFacts(
        id=id,
        external_id=external_id,
        written_name=name,
        name=comparable,
        syllables=syllables,
        latin=latin,
        phones=numbers,
        mobiles=frozenset(p for p in numbers if inferred_kind(p) == PhoneKind.MOBILE),
        emails=frozenset(email_normalised(e) for e in emails if e),
        birthday=birthday,
        company=company_normalised(company),
        identifiers=_identifier_values(identifiers),
        **_address(province, city, district, street, postcode),
    )


def account_facts_from_values(
    *,
    id: int | None = None,
    name: str = "",
    website: str = "",
    province: str = "",
    city: str = "",
    district: str = "",
    street: str = "",
    postcode: str = "",
    identifiers: Mapping[str, Any] | None = None,
) -> AccountFacts:
    """Facts of an account not saved yet (the form warning)."""
    return _account(
        id, name, website, _identifier_values(identifiers),
        _address(province, city, district, street, postcode),
    )  # fmt: skip
