"""vCard 3.0 (RFC 2426), the format every phone's address book imports.

Values are escaped (``\\``, ``,``, ``;``, new lines) and lines folded at 75 octets without
splitting a UTF-8 character, so long Chinese addresses arrive whole. The domain decides what a
card holds (which phone is a mobile, how a name splits); this module only writes it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

LINE_OCTETS = 75
CARDS_PER_CHUNK = 500


@dataclass(frozen=True)
class Phone:
    number: str
    type: str  # "CELL", "WORK", "HOME" or "VOICE"


@dataclass(frozen=True)
class Email:
    address: str
    type: str = ""  # "WORK", "HOME" or ""


@dataclass(frozen=True)
class Address:
    street: str = ""
    locality: str = ""  # city
    region: str = ""  # province
    postcode: str = ""
    country: str = ""
    type: str = ""  # "WORK", "HOME" or ""

    def __bool__(self) -> bool:
        return any((self.street, self.locality, self.region, self.postcode, self.country))


@dataclass(frozen=True)
class VCard:
    uid: str
    full_name: str
    family_name: str = ""
    given_name: str = ""
    phones: Sequence[Phone] = ()
    emails: Sequence[Email] = ()
    organisation: str = ""
    title: str = ""
    address: Address = Address()
    birthday: datetime.date | None = None
    url: str = ""
    note: str = ""


def escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line, cut into lines of at most 75 octets; each continuation starts with a
    space (which the reader removes together with the line break)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line + "\r\n"
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # the leading space counts
        current += character
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def card_text(card: VCard) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{escape(card.full_name)}",
        f"N:{escape(card.family_name)};{escape(card.given_name)};;;",
    ]
    lines += [f"TEL;TYPE={phone.type}:{escape(phone.number)}" for phone in card.phones]
    for email in card.emails:
        types = f"INTERNET,{email.type}" if email.type else "INTERNET"
        lines.append(f"EMAIL;TYPE={types}:{escape(email.address)}")
    if card.organisation:
        lines.append(f"ORG:{escape(card.organisation)}")
    if card.title:
        lines.append(f"TITLE:{escape(card.title)}")
    if card.address:
        address = card.address
        parts = (address.street, address.locality, address.region, address.postcode)
        name = f"ADR;TYPE={address.type}" if address.type else "ADR"
        lines.append(f"{name}:;;" + ";".join(escape(p) for p in (*parts, address.country)))
    if card.birthday:
        lines.append(f"BDAY:{card.birthday.isoformat()}")
    if card.url:
        lines.append(f"URL:{card.url}")
    if card.note:
        lines.append(f"NOTE:{escape(card.note)}")
    lines += [f"UID:{escape(card.uid)}", "END:VCARD"]
    return "".join(fold(line) for line in lines)


def vcard_chunks(cards: Iterable[VCard]) -> Iterator[bytes]:
    batch: list[str] = []
    for card in cards:
        batch.append(card_text(card))
        if len(batch) == CARDS_PER_CHUNK:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")
