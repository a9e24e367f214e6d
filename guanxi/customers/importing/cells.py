"""One sheet row → the values of one contact, normalised as the contact services store them.

A row with any bad value is refused as a whole, with one reason naming the field at fault
(:class:`RowRefused`). Everything here is pure and cached by value: a million-row sheet repeats
the same names, places and number prefixes over and over, and parsing each again would be most
of the import's time.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.choices import AccountRole, Gender
from guanxi.customers.custom_fields import clean_custom_value
from guanxi.customers.models import CustomField, CustomFieldKind
from guanxi.customers.names import has_cjk
from guanxi.customers.phones import inferred_kind, normalize_phone
from guanxi.customers.regions import normalize_region
from guanxi.customers.services.accounts import TEXT_LIMITS as ACCOUNT_TEXT_LIMITS
from guanxi.customers.services.contacts import MAX_EMAILS, MAX_PHONES, TEXT_LIMITS
from guanxi.platform.imports.values import parse_date

EARLIEST_BIRTHDAY = datetime.date(1900, 1, 1)
TAG_LIMIT = 40
POSTCODE_LIMIT = 12
CN_POSTCODE = re.compile(r"^\d{6}$")
SEPARATORS = re.compile(r"[/,;、，；|\n]+")
EMAIL_SEPARATORS = re.compile(r"[\s/,;、，；|]+")
PHONE_PUNCTUATION = re.compile(r"[\s\-().（）]")
# A mainland mobile as people write it: 13800138000, 138-0013-8000, +86 138 0013 8000, 0086…
CN_MOBILE = re.compile(r"^(\+86|0086|86)?(1[3-9]\d{9})$")
SINGLE_LINE = (
    "title",
    "wechat_id",
    "source",
    "external_id",
    "province",
    "city",
    "district",
    "street",
)
GENDERS = {
    **dict.fromkeys(("男", "男性", "先生", "m", "male", "man"), Gender.MALE),
    **dict.fromkeys(("女", "女性", "女士", "f", "female", "woman"), Gender.FEMALE),
    **dict.fromkeys(("其他", "其它", "other"), Gender.OTHER),
}
ROLES = {
    **{role.value: role for role in AccountRole},
    **{str(role.label).lower(): role for role in AccountRole},
    **dict.fromkeys(("决策人", "决策者"), AccountRole.DECISION_MAKER),
    **dict.fromkeys(("影响者", "影响人"), AccountRole.INFLUENCER),
    **dict.fromkeys(("使用者", "用户"), AccountRole.USER),
    **dict.fromkeys(("其他", "其它"), AccountRole.OTHER),
}


class RowRefused(Exception):
    """The reason one row is not imported: the field at fault (and which of its cells)."""

    def __init__(self, field_key: str, message: str, index: int = 0):
        super().__init__(message)
        self.field_key = field_key
        self.message = str(message)
        self.index = index


@dataclass
class CleanedRow:
    """The cleaned values a row gives; a field the row leaves empty is absent."""

    number: int
    name: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # the record's columns
    custom: dict[str, Any] = field(default_factory=dict)
    identifiers: dict[int, str] = field(default_factory=dict)  # custom field id → value
    owner_name: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class ContactRow(CleanedRow):
    phones: list[tuple[str, str]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    account_name: str = ""


def collapse(text: str) -> str:
    return " ".join(text.split())


def combined_name(family: str, given: str) -> str:
    """张 + 伟 → 张伟 (family first, no space); Smith + John → John Smith (given first)."""
    if not family or not given:
        return family or given
    if has_cjk(family) or has_cjk(given):
        return family + given
    return f"{given} {family}"


@lru_cache(maxsize=65536)
def _parsed_phone(text: str) -> tuple[str, str] | None:
    try:
        e164 = normalize_phone(text)
    except ServiceValidationError:
        return None
    return e164, str(inferred_kind(e164))


# (how the number was prefixed, block) → kind; a few thousand entries at most.
_BLOCKS: dict[tuple[str, str], str | None] = {}


def _mobile_block(written: str, prefix: str, e164: str) -> str | None:
    """The kind of the mobiles in a number block (``+86`` and 7 digits) written with this
    prefix, or ``None`` when the block is not plain (without ``+86``, 179xx is an IP-dialling
    prefix the parse strips): those take the parse.

    The first number seen in a block is parsed in full; the block is trusted only when the parse
    gives exactly ``+86`` and the digits, as it does for every assigned mobile block.
    """
    block = (prefix, e164[:10])
    if block not in _BLOCKS:
        parsed = _parsed_phone(written)
        _BLOCKS[block] = parsed[1] if parsed is not None and parsed[0] == e164 else None
    return _BLOCKS[block]


def phone_with_kind(text: str) -> tuple[str, str] | None:
    """``(E.164, kind)`` of one written number, ``None`` when it is not a phone number.

    Plain mainland mobiles (most of any Chinese sheet) skip the phonenumbers parse: the E.164
    form is ``+86`` and the eleven digits, exactly what the parse gives for their block.
    """
    compact = PHONE_PUNCTUATION.sub("", text)
    if match := CN_MOBILE.match(compact):
        e164 = "+86" + match.group(2)
        kind = _mobile_block(compact, match.group(1) or "", e164)
        if kind is not None:
            return e164, kind
    return _parsed_phone(text)


@lru_cache(maxsize=8192)
def _region(province: str, city: str, district: str) -> tuple[str, str, str]:
    return normalize_region(province, city, district)


def _refusal_from(error: ServiceValidationError, default_field: str) -> RowRefused:
    field_key = next(iter(error.field_errors), default_field) if error.field_errors else ""
    return RowRefused(field_key or default_field, error.message)


class CellCleaner:
    """What every customer importer cleans alike: texts, the place (province, city, district,
    postcode), owner, tags and custom values. ``custom`` maps field keys to definitions."""

    text_limits: dict[str, int] = TEXT_LIMITS
    single_line: tuple[str, ...] = SINGLE_LINE

    def __init__(self, custom: dict[str, CustomField], today: datetime.date | None = None):
        self.custom = custom
        self.today = today or datetime.date.today()

    @staticmethod
    def texts_of(cells: dict[str, list[str]]) -> dict[str, list[str]]:
        """The non-empty, trimmed cells of each field; a field with none is absent."""
        texts = {
            key: [c.strip() for c in values if c and c.strip()] for key, values in cells.items()
        }
        return {key: values for key, values in texts.items() if values}

    def _texts(self, row: CleanedRow, texts: dict[str, list[str]]) -> None:
        for key in self.single_line:
            if key in texts:
                self._text(row, key, collapse(" ".join(texts[key])))
        if "description" in texts:
            self._text(row, "description", "\n".join(texts["description"]))

    def _place(self, row: CleanedRow, texts: dict[str, list[str]]) -> None:
        self._region(row)
        if "postcode" in texts:
            row.fields["postcode"] = self._postcode(texts["postcode"][0], row)

    def _owner_tags_custom(self, row: CleanedRow, texts: dict[str, list[str]]) -> None:
        if "owner" in texts:
            row.owner_name = texts["owner"][0]
        if "tags" in texts:
            row.tags = self._tags(texts["tags"])
        for key, values in texts.items():
            if key.startswith("custom."):
                self._custom(row, key, " ".join(values))

    @staticmethod
    def _limited(key: str, value: str, limit: int) -> str:
        if len(value) > limit:
            raise RowRefused(key, _("At most %(count)s characters.") % {"count": limit})
        return value

    def _text(self, row: CleanedRow, key: str, value: str) -> None:
        row.fields[key] = self._limited(key, value, self.text_limits[key])

    @staticmethod
    def _region(row: CleanedRow) -> None:
        given = tuple(row.fields.get(key, "") for key in ("province", "city", "district"))
        if not any(given):
            return
        try:
            province, city, district = _region(*given)
        except ServiceValidationError as error:
            raise _refusal_from(error, "province") from None
        row.fields.update(province=province, city=city, district=district)

    @staticmethod
    def _postcode(text: str, row: CleanedRow) -> str:
        code = "".join(text.split())
        if row.fields.get("province"):  # an address in China: six digits
            if not CN_POSTCODE.match(code):
                raise RowRefused(
                    "postcode",
                    _("“%(value)s” is not a postcode of China (six digits).")
                    % {"value": text[:20]},
                )
            return code
        return CellCleaner._limited("postcode", collapse(text), POSTCODE_LIMIT)

    @staticmethod
    def _tags(cells: list[str]) -> list[str]:
        tags: list[str] = []
        for cell in cells:
            for part in SEPARATORS.split(cell):
                tag = collapse(part)[:TAG_LIMIT]
                if tag and tag not in tags:
                    tags.append(tag)
        return tags

    def _custom(self, row: CleanedRow, key: str, text: str) -> None:
        definition = self.custom.get(key.removeprefix("custom."))
        if definition is None:
            raise RowRefused(key, _("There is no such custom field."))
        try:
            value = clean_custom_value(definition, text)
        except ServiceValidationError as error:
            raise RowRefused(key, error.message) from None
        if value is None:
            return
        row.custom[definition.key] = value
        if definition.kind == CustomFieldKind.IDENTIFIER:
            row.identifiers[definition.pk] = value


class RowCleaner(CellCleaner):
    """Cleans the rows of one organisation's contact import."""

    def clean(self, number: int, cells: dict[str, list[str]]) -> ContactRow:
        row = ContactRow(number=number)
        texts = self.texts_of(cells)
        self._name(row, texts)
        self._texts(row, texts)
        if "phone" in texts:
            row.phones = self._phones(texts["phone"])
        if "email" in texts:
            row.emails = self._emails(texts["email"])
        if "birthday" in texts:
            row.fields["birthday"] = self._birthday(texts["birthday"][0])
        if "gender" in texts:
            row.fields["gender"] = self._choice(texts["gender"][0], GENDERS, "gender")
        if "account_role" in texts:
            row.fields["account_role"] = self._choice(
                texts["account_role"][0], ROLES, "account_role"
            )
        self._place(row, texts)
        if "account" in texts:
            row.account_name = self._limited(
                "account", collapse(" ".join(texts["account"])), ACCOUNT_TEXT_LIMITS["name"]
            )
        self._owner_tags_custom(row, texts)
        return row

    def _name(self, row: ContactRow, texts: dict[str, list[str]]) -> None:
        if "name" in texts:
            name = collapse(" ".join(texts["name"]))
        else:
            family = collapse(" ".join(texts.get("name.family", [])))
            given = collapse(" ".join(texts.get("name.given", [])))
            name = combined_name(family, given)
        key = "name" if "name" in texts or "name.family" not in texts else "name.family"
        row.name = self._limited(key, name, TEXT_LIMITS["name"])

    @staticmethod
    def _phones(cells: list[str]) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for index, cell in enumerate(cells):
            for part in SEPARATORS.split(cell):
                part = part.strip()
                if not part:
                    continue
                parsed = phone_with_kind(part)
                if parsed is None:
                    raise RowRefused(
                        "phone",
                        _("“%(value)s” is not a valid phone number.") % {"value": part[:40]},
                        index,
                    )
                if parsed[0] not in (number for number, _kind in found):
                    found.append(parsed)
        if len(found) > MAX_PHONES:
            raise RowRefused("phone", _("At most %(count)s phone numbers.") % {"count": MAX_PHONES})
        return found

    @staticmethod
    def _emails(cells: list[str]) -> list[str]:
        found: list[str] = []
        for index, cell in enumerate(cells):
            for part in EMAIL_SEPARATORS.split(cell.replace("＠", "@")):
                email = part.strip().lower()
                if not email:
                    continue
                try:
                    validate_email(email)
                except ValidationError:
                    raise RowRefused(
                        "email",
                        _("“%(value)s” is not a valid e-mail address.") % {"value": email[:60]},
                        index,
                    ) from None
                if email not in found:
                    found.append(email)
        if len(found) > MAX_EMAILS:
            raise RowRefused(
                "email", _("At most %(count)s e-mail addresses.") % {"count": MAX_EMAILS}
            )
        return found

    def _birthday(self, text: str) -> datetime.date:
        day = parse_date(text)
        if day is None:
            raise RowRefused("birthday", _("“%(value)s” is not a date.") % {"value": text[:40]})
        if day > self.today:
            raise RowRefused("birthday", _("The birthday cannot be in the future."))
        if day < EARLIEST_BIRTHDAY:
            raise RowRefused("birthday", _("A birthday before 1900 is not plausible."))
        return day

    @staticmethod
    def _choice(text: str, choices: dict[str, Any], key: str) -> str:
        found = choices.get(text.lower())
        if found is None:
            if key == "gender":
                message = _("Write 男 or 女 (male or female), not “%(value)s”.")
            else:
                message = _("“%(value)s” is not a role at an account.")
            raise RowRefused(key, message % {"value": text[:40]})
        return str(found)
