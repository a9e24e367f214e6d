"""The "Possible duplicates" panel on the 360 page: the open pairs this record is part of, each
a link to the side-by-side comparison where the two can be merged or marked "not a duplicate".

Only pairs whose other record the viewer may see are listed (``open_pairs`` applies visibility to
both sides), so the panel never names a customer the viewer could not open.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.customers.duplicate_queue import open_pairs, pair_rows
from guanxi.customers.models import Contact
from guanxi.customers.panels import Panel

SHOWN = 5


def duplicates_context(user: Any, record: Any) -> dict[str, Any] | None:
    entity = "contact" if isinstance(record, Contact) else "account"
    pairs = list(open_pairs(user, entity).filter(Q(first_id=record.pk) | Q(second_id=record.pk)))
    rows = pair_rows(user, entity, pairs[:SHOWN])
    if not rows:
        return None
    others = [
        {"row": row, "other": row.second if row.first.pk == record.pk else row.first}
        for row in rows
    ]
    return {"pairs": others, "kind": entity}


DUPLICATES_PANEL = Panel(
    key="duplicates",
    title=_("Possible duplicates"),
    template="customers/duplicates_panel.html",
    context=duplicates_context,
    order=5,
)
