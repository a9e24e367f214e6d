"""Turning a stored message template and its parameters into text in the active language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext


def render_text(template: str, params: Mapping[str, Any] | None) -> str:
    """``gettext(template) % params``; a translation with a broken placeholder gives the English.

    Templates are English msgids marked with ``gettext_noop`` where the domain defines them, so
    ``makemessages`` finds them and each reader gets their own language.
    """
    if not template:
        return ""
    if not params:
        return gettext(template)
    try:
        return gettext(template) % params
    except (KeyError, ValueError, TypeError):
        return template % params
