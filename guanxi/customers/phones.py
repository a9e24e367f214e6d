"""Phone numbers: stored in E.164, parsed with the organisation's default region (CN)."""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.choices import PhoneKind

_KIND_OF_TYPE = {
    phonenumbers.PhoneNumberType.FIXED_LINE: PhoneKind.LANDLINE,
    phonenumbers.PhoneNumberType.TOLL_FREE: PhoneKind.WORK,  # 400/800 hotlines
    phonenumbers.PhoneNumberType.SHARED_COST: PhoneKind.WORK,
    phonenumbers.PhoneNumberType.UAN: PhoneKind.WORK,
    phonenumbers.PhoneNumberType.VOIP: PhoneKind.OTHER,
    phonenumbers.PhoneNumberType.PAGER: PhoneKind.OTHER,
}


def normalize_phone(raw: str, *, field: str = "phones") -> str:
    """``"138 0013 8000"`` → ``"+8613800138000"``; a clear error for what is not a number."""
    text = (raw or "").strip()
    try:
        parsed = phonenumbers.parse(text, settings.GUANXI_PHONE_REGION)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise ServiceValidationError.for_field(
            field, _("“%(value)s” is not a valid phone number.") % {"value": text[:40]}
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def inferred_kind(e164: str) -> str:
    """What a number is when nobody said: 021 6234 5678 is a landline, 138… a mobile.

    Numbers that could be either (e.g. North American ones) or that the metadata does not know
    stay mobiles, the kind most customers give.
    """
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return PhoneKind.MOBILE
    return _KIND_OF_TYPE.get(phonenumbers.number_type(parsed), PhoneKind.MOBILE)


def display_phone(e164: str) -> str:
    """National format for numbers of the home region, international format for the rest."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(parsed)
    if region == settings.GUANXI_PHONE_REGION:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def national_digits(e164: str) -> str:
    if e164.startswith("+86"):  # China has no national prefix inside E.164: skip the parse
        return e164[3:]
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", e164)
    return str(parsed.national_number)
