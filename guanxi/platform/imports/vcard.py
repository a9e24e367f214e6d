"""Phone address books (.vcf, vCard 2.1, 3.0 and 4.0) read as a sheet: one card a row.

Phones export cards with folded lines, quoted-printable names in UTF-8 or GB18030, several TEL
lines of different kinds and structured N / ADR values. Each card becomes a row of synthetic
columns ("FN", "N family", "TEL 1", "ADR city" ...) that the mapping proposal recognises, so a
vCard goes through the same mapping, dry run and import as a sheet. Card ``n`` is row ``n + 1``,
as if the cards were the rows under a header. Lines that are not properties are ignored; a file
with no card at all is refused.
"""

from __future__ import annotations

import codecs
import io
import quopri
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError

_NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z][A-Za-z0-9-]*)$")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPED_SEMICOLON = re.compile(r"(?<!\\);")
_PHONE_ORDER = ("pref", "cell", "mobile", "iphone", "work", "home", "voice")
_BDAY_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_BDAY_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")
# Synthetic columns in the order they appear; TEL and EMAIL are numbered, as many as the file needs.
_LEADING = ("FN", "N family", "N given")
_TRAILING = (
    "ORG",
    "TITLE",
    "ADR street",
    "ADR city",
    "ADR region",
    "ADR postcode",
    "ADR country",
    "BDAY",
    "NOTE",
    "UID",
)


@dataclass
class _Property:
    name: str
    params: dict[str, list[str]]
    value: str

    @property
    def types(self) -> set[str]:
        return {t.lower() for t in self.params.get("TYPE", [])} | (
            {"pref"} if "PREF" in self.params else set()
        )


@dataclass
class _Card:
    number: int
    values: dict[str, str] = field(default_factory=dict)
    phones: list[tuple[int, str]] = field(default_factory=list)
    emails: list[tuple[int, str]] = field(default_factory=list)


def _not_vcard() -> ServiceValidationError:
    return ServiceValidationError.for_field(
        "file",
        _(
            "The file is not a vCard address book: it has no BEGIN:VCARD line. "
            "Export the contacts from the phone again as a .vcf file."
        ),
    )


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _params(parts: Iterable[str]) -> dict[str, list[str]]:
    """``TYPE=CELL``, ``TYPE="cell,voice"``, ``type=WORK;type=VOICE`` and 2.1's bare ``CELL``."""
    params: dict[str, list[str]] = {}
    for part in parts:
        key, equals, value = part.partition("=")
        if not equals:
            key, value = "TYPE", key
            if value.upper() in {"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"}:
                key = "ENCODING"
        values = [v.strip().strip('"') for v in value.strip('"').split(",")]
        params.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    return params


def _decode(raw: bytes, params: dict[str, list[str]]) -> str | None:
    encoding = {e.upper() for e in params.get("ENCODING", [])}
    if encoding & {"B", "BASE64"}:
        return None  # photos and sounds: nothing a column can hold
    if "QUOTED-PRINTABLE" in encoding:
        raw = quopri.decodestring(raw)
    charsets = [*params.get("CHARSET", []), "utf-8", "gb18030"]
    for charset in charsets:
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text).strip()


def _parse_line(line: bytes) -> _Property | None:
    head, colon, raw = line.partition(b":")
    if not colon:
        return None
    parts = _split_outside_quotes(head.decode("utf-8", errors="replace"), ";")
    match = _NAME.match(parts[0].strip())
    if not match:
        return None
    params = _params(parts[1:])
    value = _decode(raw, params)
    if value is None:
        return None
    return _Property(name=match.group(1).upper(), params=params, value=value)


def _is_quoted_printable(line: bytes) -> bool:
    return b"QUOTED-PRINTABLE" in line.partition(b":")[0].upper()


def _logical_lines(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Unfold (a line break followed by a space or tab) and join quoted-printable soft breaks."""
    current: bytes | None = None
    for raw in lines:
        line = raw.rstrip(b"\r\n")
        if current is not None and current.endswith(b"=") and _is_quoted_printable(current):
            current = current[:-1] + (line[1:] if line[:1] in (b" ", b"\t") else line)
        elif current is not None and line[:1] in (b" ", b"\t"):
            current += line[1:]
        else:
            if current is not None:
                yield current
            current = line
    if current is not None:
        yield current


def _birthday(text: str) -> str:
    text = text.strip()
    if match := _BDAY_DIGITS.match(text):
        return "-".join(match.groups())
    if match := _BDAY_NO_YEAR.match(text):
        return "--" + "-".join(match.groups())
    return text.split("T", 1)[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text


def _rank(prop: _Property) -> int:
    types = prop.types
    for index, kind in enumerate(_PHONE_ORDER):
        if kind in types:
            return index
    return len(_PHONE_ORDER)


def _components(value: str) -> list[str]:
    return [_unescape(part) for part in _UNESCAPED_SEMICOLON.split(value)]


def _add(card: _Card, prop: _Property) -> None:
    values = card.values
    name = prop.name
    if name == "TEL":
        number = _unescape(prop.value)
        number = number[4:] if number.lower().startswith("tel:") else number
        if number:
            card.phones.append((_rank(prop), number))
    elif name == "EMAIL":
        email = _unescape(prop.value)
        email = email[7:] if email.lower().startswith("mailto:") else email
        if email:
            card.emails.append((0 if "pref" in prop.types else 1, email))
    elif name == "N" and "N family" not in values and "N given" not in values:
        parts = [*_components(prop.value), "", ""]
        values["N family"], values["N given"] = parts[0], parts[1]
    elif name == "ADR" and "ADR street" not in values:
        parts = [*_components(prop.value), *[""] * 7]
        values["ADR street"] = parts[2] or parts[1]
        for key, part in zip(
            ("ADR city", "ADR region", "ADR postcode", "ADR country"), parts[3:7], strict=True
        ):
            values[key] = part
    elif name == "ORG":
        values.setdefault("ORG", _components(prop.value)[0])
    elif name == "BDAY":
        values.setdefault("BDAY", _birthday(_unescape(prop.value)))
    elif name in {"FN", "TITLE", "NOTE", "UID"}:
        values.setdefault(name, _unescape(prop.value))


def _cards(lines: Iterable[bytes]) -> Iterator[_Card]:
    card: _Card | None = None
    count = 0
    for line in _logical_lines(lines):
        prop = _parse_line(line.lstrip(codecs.BOM_UTF8))
        if prop is None:
            continue  # garbage inside or between cards
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            if card is not None:
                yield card  # a card without END:VCARD ends where the next begins
            count += 1
            card = _Card(number=count + 1)
        elif prop.name == "END" and prop.value.strip().upper() == "VCARD":
            if card is not None:
                yield card
            card = None
        elif card is not None:
            _add(card, prop)
    if card is not None:
        yield card


@dataclass
class CardRows:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total_rows: int


def _text_lines(stream: IO[bytes]) -> Iterable[bytes]:
    stream.seek(0)
    sample = stream.read(64 * 1024)
    stream.seek(0)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Rare (some Windows exports); such files are small, re-encoded to UTF-8 in memory.
        return io.BytesIO(stream.read().decode("utf-16", errors="replace").encode()).readlines()
    if b"\x00" in sample:
        raise _not_vcard()
    return stream


def read_vcards(stream: IO[bytes]) -> CardRows:
    cards = []
    for card in _cards(_text_lines(stream)):
        card.phones.sort(key=lambda item: item[0])
        card.emails.sort(key=lambda item: item[0])
        card.values.update({f"TEL {i}": p for i, (_r, p) in enumerate(card.phones, start=1)})
        card.values.update({f"EMAIL {i}": e for i, (_r, e) in enumerate(card.emails, start=1)})
        cards.append(card)
    if not cards:
        raise _not_vcard()
    phones = max(len(card.phones) for card in cards)
    emails = max(len(card.emails) for card in cards)
    candidates = [
        *_LEADING,
        *(f"TEL {i}" for i in range(1, phones + 1)),
        *(f"EMAIL {i}" for i in range(1, emails + 1)),
        *_TRAILING,
    ]
    header = [name for name in candidates if any(card.values.get(name) for card in cards)]
    if not header:
        raise ServiceValidationError.for_field(
            "file", _("The vCard file has cards but none with a name, phone or other detail.")
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        for card in cards:
            cells = [card.values.get(name, "") for name in header]
            if any(cells):
                yield card.number, cells

    return CardRows(header=header, rows=rows(), total_rows=len(cards))
