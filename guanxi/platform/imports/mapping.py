"""Which column feeds which field: proposed from the header words, checked, and applied to rows.

A header is compared with each field's key and aliases after folding away what people vary when
they type one (case, spaces, underscores, punctuation, full-width letters, a trailing number as
in "电话2" or "TEL 2"). An exact alias beats an alias contained in a longer header (手机号码 →
phone, 客户姓名 → name rather than the customer id that "客户" names), and a field that takes one
column gets the best one only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.platform.imports.registry import ImportField, MappedRow

_TRAILING_NUMBER = re.compile(r"\d+$")


def fold(text: str) -> str:
    """Only letters and digits, half-width and case-folded: "E-Mail（工作）" → "email工作"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def _forms(column: str) -> set[str]:
    folded = fold(column)
    numbered = _TRAILING_NUMBER.sub("", folded)
    return {form for form in (folded, numbered) if form}


def _score(forms: set[str], words: Sequence[str]) -> float:
    """3 for an exact alias (earlier ones slightly preferred), 2 + coverage for a contained one."""
    best = 0.0
    for rank, word in enumerate(words):
        if word in forms:
            best = max(best, 3.0 - rank / 1000)
        elif len(word) >= (3 if word.isascii() else 2):
            for form in forms:
                if word in form:
                    best = max(best, 2.0 + len(word) / len(form) - rank / 1000)
    return best


def _words(field: ImportField) -> list[str]:
    words: list[str] = []
    for text in (field.key, *field.aliases):
        word = fold(text)
        if word and word not in words:
            words.append(word)
    return words


def propose_mapping(columns: Sequence[str], fields: Sequence[ImportField]) -> dict[str, str]:
    """``{column: field key}`` for every column a field's words recognise, best matches first.

    A column left out is one the user maps by hand (or leaves out).
    """
    candidates: list[tuple[float, int, int]] = []
    words = [_words(field) for field in fields]
    for column_index, column in enumerate(columns):
        forms = _forms(column)
        scores = [(_score(forms, field_words), index) for index, field_words in enumerate(words)]
        best = max((score for score, _index in scores), default=0.0)
        # Only a column's best guess counts: when another column won that field, a weaker match
        # (客户姓名 → the customer id, through 客户) would be a wrong guess, not a second best.
        candidates.extend(
            (-score, column_index, index) for score, index in scores if best and score == best
        )
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for _negative_score, column_index, field_index in sorted(candidates):
        column, field = columns[column_index], fields[field_index]
        if column in mapping or (field.key in taken and not field.several):
            continue
        mapping[column] = field.key
        taken.add(field.key)
    return {column: mapping[column] for column in columns if column in mapping}


def complete_mapping(
    columns: Sequence[str], fields: Sequence[ImportField], chosen: dict[str, str]
) -> dict[str, str]:
    """The user's choices (``--map``, a template) plus proposals for the columns they left open.

    A field the user gave a column is not proposed again unless it takes several columns.
    """
    taken = {key for key in chosen.values() if key}
    open_fields = [field for field in fields if field.several or field.key not in taken]
    proposed = propose_mapping([column for column in columns if column not in chosen], open_fields)
    merged = {**proposed, **chosen}
    return {column: merged[column] for column in columns if merged.get(column)} | {
        column: key for column, key in chosen.items() if key and column not in columns
    }


def apply_mapping(
    columns: Sequence[str], mapping: dict[str, str]
) -> Callable[[list[str]], MappedRow]:
    """A function turning a row's cells into ``{field: [non-empty cells, in column order]}``.

    Every mapped field is a key, with an empty list when the row has nothing for it.
    """
    plan = [
        (index, mapping[column])
        for index, column in enumerate(columns)
        if column and mapping.get(column)
    ]
    keys = list(dict.fromkeys(field for _index, field in plan))

    def mapped(cells: list[str]) -> MappedRow:
        row: MappedRow = {key: [] for key in keys}
        for index, key in plan:
            if index < len(cells) and (value := cells[index].strip()):
                row[key].append(value)
        return row

    return mapped


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def check_mapping(
    columns: Sequence[str],
    mapping: dict[str, str],
    fields: Sequence[ImportField],
    required_fields: Sequence[str],
) -> dict[str, str]:
    """The mapping without the columns left unmapped (``""``), or the first problem with it.

    ``required_fields``: at least one of them must be fed by a column (a contact needs a name or
    a phone; an order every one of its keys is checked by the order import itself).
    """
    known = {field.key: field for field in fields}
    cleaned = {column: key for column, key in mapping.items() if key}
    for column, key in cleaned.items():
        if not column or column not in columns:
            raise ServiceValidationError.for_field(
                "mapping",
                _("The file has no column “%(column)s”. Its columns are: %(columns)s.")
                % {"column": column, "columns": _quoted(c for c in columns if c)},
            )
        if key not in known:
            raise ServiceValidationError.for_field(
                "mapping",
                _("“%(field)s” is not a field you can import. The fields are: %(fields)s.")
                % {"field": key, "fields": ", ".join(known)},
            )
    fed: dict[str, list[str]] = {}
    for column in columns:
        if column in cleaned:
            fed.setdefault(cleaned[column], []).append(column)
    for key, sources in fed.items():
        if len(sources) > 1 and not known[key].several:
            raise ServiceValidationError.for_field(
                "mapping",
                _("Only one column can go into “%(field)s”; %(columns)s all do.")
                % {"field": known[key].label, "columns": _quoted(sources)},
            )
    if required_fields and not any(key in fed for key in required_fields):
        labels = [str(known[key].label) if key in known else key for key in required_fields]
        raise ServiceValidationError.for_field(
            "mapping",
            _(
                "The file has no column for %(fields)s. Map at least one column to one of them; "
                "its columns are: %(columns)s."
            )
            % {"fields": " / ".join(labels), "columns": _quoted(c for c in columns if c)},
        )
    return cleaned


def parse_map_options(options: Sequence[str]) -> dict[str, str]:
    """The command line's repeated ``--map COLUMN=FIELD``, split at the last ``=`` (a header may
    contain one, a field key never does)."""
    mapping: dict[str, str] = {}
    for option in options:
        column, equals, key = option.rpartition("=")
        column, key = column.strip(), key.strip()
        if not equals or not column or not key:
            raise ServiceValidationError.for_field(
                "mapping",
                _("“%(option)s” is not COLUMN=FIELD, e.g. --map 手机=phone.") % {"option": option},
            )
        if column in mapping:
            raise ServiceValidationError.for_field(
                "mapping",
                _("The column “%(column)s” is mapped twice.") % {"column": column},
            )
        mapping[column] = key
    return mapping
