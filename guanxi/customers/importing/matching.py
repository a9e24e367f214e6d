"""Who a row is: the contact it matches, among those the importing user may see.

Keys are tried in a fixed order — external id, identifier fields (会员号, 身份证号 ...), phone,
e-mail — first among the rows already read from the same file, then in the database (one query
per kind of key for the whole chunk). External ids and identifier values are unique in the
organisation: one held by a contact the user may not see refuses the row without naming it. A
phone or e-mail held only by such contacts is no match at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from guanxi.customers import selectors
from guanxi.customers.importing.cells import CleanedRow, ContactRow

Key = tuple[Any, ...]  # ("external_id", value) | ("identifier", field id, value) | ("phone", …)
UNIQUE_KINDS = ("external_id", "identifier")


def identifier_holders(
    user: Any,
    rows: Sequence[CleanedRow],
    held_by: Callable[[Any, list[int], list[str]], dict[tuple[int, str], int | None]],
) -> dict[Key, int | None]:
    """``("identifier", field id, value)`` → the record holding it (``None``: hidden), for the
    identifier values of these rows; ``held_by`` is the selector of the kind of record."""
    identifiers = {(f, v) for r in rows for f, v in r.identifiers.items()}
    if not identifiers:
        return {}
    held = held_by(user, sorted({f for f, _v in identifiers}), sorted({v for _f, v in identifiers}))
    return {("identifier", f, v): pk for (f, v), pk in held.items() if (f, v) in identifiers}


def row_keys(row: ContactRow) -> list[Key]:
    keys: list[Key] = []
    if external_id := row.fields.get("external_id"):
        keys.append(("external_id", external_id))
    keys.extend(("identifier", field_id, value) for field_id, value in row.identifiers.items())
    keys.extend(("phone", number) for number, _kind in row.phones)
    keys.extend(("email", email) for email in row.emails)
    return keys


@dataclass
class Holders:
    """The database's answer for one chunk: key → contact pk, or ``None`` for a unique key held
    by a contact the user may not see."""

    found: dict[Key, int | None] = field(default_factory=dict)

    @classmethod
    def look_up(cls, user: Any, rows: Sequence[ContactRow]) -> Holders:
        external_ids = sorted({k[1] for r in rows for k in row_keys(r) if k[0] == "external_id"})
        phones = sorted({number for r in rows for number, _kind in r.phones})
        emails = sorted({email for r in rows for email in r.emails})
        found: dict[Key, int | None] = {}
        if external_ids:
            held = selectors.contact_ids_by_external_id(user, external_ids)
            found.update((("external_id", value), pk) for value, pk in held.items())
        found.update(identifier_holders(user, rows, selectors.contact_ids_by_identifier))
        found.update(
            (("phone", n), pk)
            for n, pk in selectors.visible_contact_ids_by_phone(user, phones).items()
        )
        found.update(
            (("email", e), pk)
            for e, pk in selectors.visible_contact_ids_by_email(user, emails).items()
        )
        return cls(found)

    def contact_ids(self) -> set[int]:
        return {pk for pk in self.found.values() if pk is not None}
