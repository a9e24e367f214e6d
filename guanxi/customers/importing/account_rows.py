"""What a column of an account (company) sheet may be mapped to, and one row → the values of one
account, normalised as the account services store them.

The place, tags, owner and custom values are read exactly as for contacts
(:class:`~guanxi.customers.importing.cells.CellCleaner`); a row without a name is refused.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.choices import CompanySize
from guanxi.customers.importing.cells import CellCleaner, CleanedRow, RowRefused, collapse
from guanxi.customers.importing.fields import (
    place_fields,
    tags_and_owner_fields,
    with_custom_fields,
)
from guanxi.customers.importing.matching import Key
from guanxi.customers.services.accounts import TEXT_LIMITS, clean_website
from guanxi.platform.imports.registry import ImportField

# Besides the choices' own values and labels (English and Chinese), the words people use.
SIZE_WORDS = {
    **dict.fromkeys(("micro", "微型", "微型企业"), CompanySize.MICRO),
    **dict.fromkeys(("small", "小型", "小型企业", "小微"), CompanySize.SMALL),
    **dict.fromkeys(("medium", "中型", "中型企业"), CompanySize.MEDIUM),
    **dict.fromkeys(("large", "大型", "大型企业", "250以上"), CompanySize.LARGE),
    **dict.fromkeys(("unknown", "未知"), CompanySize.UNKNOWN),
}
SIZE_NOISE = re.compile(r"\s+|people|persons|employees|staff|人|名")
SIZE_DASHES = re.compile(r"[–—~～至到]")


def account_import_fields(actor: Any) -> list[ImportField]:
    """Built-in fields, then the organisation's active account custom fields."""
    built_in = [
        ImportField(
            "name",
            _("Name"),
            (
                "公司",
                "公司名称",
                "企业名称",
                "客户名称",
                "单位",
                "单位名称",
                "company",
                "company name",
                "account",
                "account name",
                "organisation",
                "organization",
                "name",
            ),
            required=True,
        ),
        ImportField("industry", _("Industry"), ("行业", "所属行业", "industry")),
        ImportField(
            "size",
            _("Size"),
            (
                "规模",
                "公司规模",
                "企业规模",
                "人数",
                "员工人数",
                "size",
                "company size",
                "employees",
            ),
        ),
        ImportField("website", _("Website"), ("网址", "网站", "官网", "website", "url", "web")),
        *place_fields(),
        ImportField(
            "description", _("Notes"), ("备注", "描述", "说明", "note", "notes", "description")
        ),
        *tags_and_owner_fields(),
    ]
    return with_custom_fields(actor, "account", built_in)


def _size_word(text: str) -> str:
    return SIZE_DASHES.sub("-", SIZE_NOISE.sub("", text.lower()))


@lru_cache(maxsize=1)
def _sizes() -> dict[str, str]:
    sizes = {_size_word(word): str(size) for word, size in SIZE_WORDS.items()}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            sizes.update((_size_word(str(size.label)), str(size)) for size in CompanySize)
    sizes.update((_size_word(size.value), str(size)) for size in CompanySize if size.value)
    return sizes


def company_size(text: str) -> str:
    """The ``CompanySize`` value a cell names: 10-49, 10–49 人, 小型, small …"""
    size = _sizes().get(_size_word(text))
    if size is None:
        raise RowRefused(
            "size",
            _("“%(value)s” is not a company size; write 1-9, 10-49, 50-249 or 250+.")
            % {"value": text[:40]},
        )
    return size


class AccountCleaner(CellCleaner):
    """Cleans the rows of one organisation's account import."""

    text_limits = TEXT_LIMITS
    single_line = ("industry", "province", "city", "district", "street")

    def clean(self, number: int, cells: dict[str, list[str]]) -> CleanedRow:
        row = CleanedRow(number=number)
        texts = self.texts_of(cells)
        name = collapse(" ".join(texts.get("name", [])))
        if not name:
            raise RowRefused("name", _("An account needs a name."))
        row.name = self._limited("name", name, TEXT_LIMITS["name"])
        self._texts(row, texts)
        if "size" in texts:
            row.fields["size"] = company_size(texts["size"][0])
        if "website" in texts:
            website = self._limited(
                "website", "".join(texts["website"][0].split()), TEXT_LIMITS["website"]
            )
            try:
                row.fields["website"] = clean_website(website)
            except ServiceValidationError as error:
                raise RowRefused("website", error.message) from None
        self._place(row, texts)
        self._owner_tags_custom(row, texts)
        return row


def account_keys(row: CleanedRow) -> list[Key]:
    """Identifier values first (unique in the organisation), then the exact name."""
    keys: list[Key] = [
        ("identifier", field_id, value) for field_id, value in row.identifiers.items()
    ]
    keys.append(("name", row.name))
    return keys
