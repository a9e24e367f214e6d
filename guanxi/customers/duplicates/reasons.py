"""The words of an explanation. A pair stores codes and parameters, the reader's language turns
them into sentences, so a pair found by a night job reads in Chinese for one user and in English
for another."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.utils.translation import gettext_lazy as _

_SENTENCES: dict[str, Any] = {
    "name_same": _("same name: %(name)s"),
    "name_variant": _("same name in traditional and simplified characters: %(name)s"),
    "name_sound_same": _("names sound the same: %(pinyin)s"),
    "name_order_swapped": _("same name in the other order: %(name)s"),
    "name_similar": _("names nearly the same (a typo?): %(name)s"),
    "name_contained": _("one name is part of the other: %(name)s"),
    "name_differs": _("names differ"),
    "phone_same": _("same mobile %(phone)s"),
    "phone_same_landline": _("same landline %(phone)s"),
    "phone_same_ending": _("phones end in the same 8 digits: %(ending)s"),
    "phone_differs": _("phones differ"),
    "email_same": _("same e-mail %(email)s"),
    "email_same_local": _("same e-mail name at another domain: %(local)s@"),
    "email_differs": _("e-mails differ"),
    "birthday_same": _("same birthday"),
    "birthday_close": _("birthdays nearly the same (a typo?)"),
    "birthday_differs": _("birthday differs"),
    "identifier_same": _("same %(field)s"),
    "identifier_differs": _("different %(field)s"),
    "street_same": _("same street address"),
    "street_similar": _("similar street address"),
    "postcode_same": _("same postcode"),
    "district_same": _("same district"),
    "city_same": _("same city"),
    "city_differs": _("different cities"),
    "company_same": _("same company"),
    "company_differs": _("different companies"),
    "website_same": _("same website %(domain)s"),
    "website_differs": _("different websites"),
}


def describe(code: str, params: dict[str, Any] | None = None) -> str:
    """The sentence for a stored reason in the active language (an unknown code reads as is)."""
    values = dict(params or {})
    if "phone" in values:
        from guanxi.customers.phones import display_phone

        values["phone"] = display_phone(str(values["phone"]))
    sentence = _SENTENCES.get(code)
    return str(sentence) % values if sentence is not None else code


@dataclass(frozen=True, slots=True)
class Reason:
    """One comparison's contribution: ``weight`` in bits of evidence (log2 of m/u)."""

    field: str
    weight: float
    code: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)

    @property
    def detail(self) -> str:
        return describe(self.code, self.params)

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "weight": round(self.weight, 2),
            "code": self.code,
            "params": self.params,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        return cls(data["field"], float(data["weight"]), data["code"], dict(data.get("params", {})))
