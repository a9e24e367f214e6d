"""Readable names of audit verbs for timelines; each domain registers its own in ``ready()``."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

_LABELS: dict[str, str] = {}


def register_verb_labels(labels: Mapping[str, str]) -> None:
    """``labels`` maps a verb to an English text marked with ``gettext_noop``."""
    _LABELS.update(labels)


def verb_label(verb: str) -> str:
    label = _LABELS.get(verb)
    return _(label) if label else verb
