"""Reading the duplicate queue: only pairs whose two records the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from guanxi.customers.models import DuplicatePair
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to

ENTITIES = {
    "contact": "contact",
    "contacts": "contact",
    "account": "account",
    "accounts": "account",
}


def entity_of(name: str) -> str:
    """``contacts`` / ``contact`` → ``contact``; a clear error for anything else."""
    try:
        return ENTITIES[name]
    except KeyError:
        raise ValueError(f"Unknown entity {name!r}: use contacts or accounts.") from None


def duplicate_pairs(
    user: Any, entity: str = "contact", status: str = "open"
) -> QuerySet[DuplicatePair]:
    """Best first; a pair with one record the user cannot see is not shown (it would name it)."""
    entity = entity_of(entity)
    visible = contacts_visible_to(user) if entity == "contact" else accounts_visible_to(user)
    return (
        DuplicatePair.objects.filter(
            org_id=getattr(user, "org_id", None), entity=entity, status=status
        )
        .filter(Exists(visible.filter(pk=OuterRef("first_id"))))
        .filter(Exists(visible.filter(pk=OuterRef("second_id"))))
        .order_by("-score", "first_id", "second_id")
    )
