"""Readable names of audit verbs for timelines; each domain registers its own in ``ready()``."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.text import capfirst
from django.utils.translation import gettext as _

_LABELS: dict[str, str] = {}


def register_verb_labels(labels: Mapping[str, str]) -> None:
    """``labels`` maps a verb to an English text marked with ``gettext_noop``."""
    _LABELS.update(labels)


def has_verb_label(verb: str) -> bool:
    return verb in _LABELS


def _readable(verb: str) -> str:
    """``sales.opportunity.stage_changed`` → "Opportunity stage changed": a verb nobody has named
    yet still reads as words, never as a code."""
    parts = verb.split(".")
    words = parts[1:] if len(parts) > 1 else parts
    return capfirst(" ".join(words).replace("_", " ").strip()) or verb


def verb_label(verb: str) -> str:
    label = _LABELS.get(verb)
    return _(label) if label else _readable(verb)
