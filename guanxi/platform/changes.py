"""The changes of audit events in words, for the audit trail and the customer timeline.

The platform knows no domain, so most of the wording comes from the model of the changed record
(``apps.get_model(target_type)``): a field's verbose name, its choices, its type, whether it points
at a user. A domain registers only what its model cannot say: labels of values that are not model
fields (a contact's ``phones``), formatters for values shown differently from how they are stored
(E.164 phone numbers), fields that hold usernames, and bookkeeping fields not worth showing.

User names are looked up for all the events shown at once, so a page of events costs one query
more, not one per row.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from guanxi.platform.verbs import verb_label

EMPTY = "—"

ValueFormatter = Callable[[Any], str]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True)
class ChangeRow:
    field: str
    label: str
    before: str
    after: str


@dataclass
class _Words:
    labels: dict[str, Any] = field(default_factory=dict)
    formatters: dict[str, ValueFormatter] = field(default_factory=dict)
    user_fields: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)


_REGISTRY: dict[str, _Words] = {}

# Fields whose values name another record (a contact's company): a domain says which of the
# values a viewer may see; the others are not shown, so a visible record's history never names
# an invisible one. Without a viewer nothing is named.
VisibleValues = Callable[[Any, set[str]], set[str]]
_REFERENCES: dict[tuple[str, str], VisibleValues] = {}


class _Hidden:
    """A value the viewer may not see, shown as such."""


HIDDEN = _Hidden()


# Fields whose labels are data, not code (an organisation's custom fields, ``custom.<key>``): the
# domain looks up, for all the events shown at once, ``{(org_id, field name): label}``.
LabelLookup = Callable[[set[Any], set[str]], Mapping[tuple[Any, str], str]]
_LABEL_LOOKUPS: dict[str, tuple[str, LabelLookup]] = {}


def register_label_lookup(target_type: str, prefix: str, lookup: LabelLookup) -> None:
    """Labels of ``target_type``'s changed fields whose names start with ``prefix``."""
    _LABEL_LOOKUPS[target_type] = (prefix, lookup)


def _looked_up_labels(events: list[Any], shown: dict[Any, list[Any]]) -> dict[tuple[Any, ...], str]:
    """``{(org_id, target_type, name): label}``: one lookup per record type on the page."""
    wanted: dict[str, tuple[set[Any], set[str]]] = {}
    for event in events:
        if event.target_type not in _LABEL_LOOKUPS:
            continue
        prefix = _LABEL_LOOKUPS[event.target_type][0]
        names = {row[0] for row in shown[event.pk] if row[0].startswith(prefix)}
        if names:
            org_ids, all_names = wanted.setdefault(event.target_type, (set(), set()))
            org_ids.add(event.org_id)
            all_names.update(names)
    labels: dict[tuple[Any, ...], str] = {}
    for target_type, (org_ids, names) in wanted.items():
        found = _LABEL_LOOKUPS[target_type][1](org_ids, names)
        for (org_id, name), label in found.items():
            labels[(org_id, target_type, name)] = label
    return labels


def register_reference_field(target_type: str, name: str, visible_values: VisibleValues) -> None:
    """``visible_values(viewer, values)`` returns the values (as stored) the viewer may see."""
    _REFERENCES[(target_type, name)] = visible_values


def register_change_words(
    target_type: str,
    *,
    labels: Mapping[str, Any] | None = None,
    formatters: Mapping[str, ValueFormatter] | None = None,
    user_fields: Iterable[str] = (),
    hidden: Iterable[str] = (),
) -> None:
    """Called from a domain's ``AppConfig.ready()``; ``target_type`` is ``"app.model"``.

    ``labels`` are lazy translations; a formatter turns one stored value (one item of a list)
    into text; ``user_fields`` hold usernames shown as display names.
    """
    words = _REGISTRY.setdefault(target_type, _Words())
    words.labels.update(labels or {})
    words.formatters.update(formatters or {})
    words.user_fields.update(user_fields)
    words.hidden.update(hidden)


def _model_field(target_type: str, name: str) -> models.Field[Any, Any] | None:
    try:
        found = apps.get_model(target_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return found if isinstance(found, models.Field) else None


def _points_at_users(model_field: models.Field[Any, Any] | None) -> bool:
    return bool(
        model_field is not None
        and (model_field.many_to_one or model_field.many_to_many)
        and model_field.related_model is get_user_model()
    )


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def list_separator() -> str:
    return "、" if (translation.get_language() or "").startswith("zh") else ", "


def format_date(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def format_datetime(value: datetime.datetime) -> str:
    """In the active (the user's) time zone; a naive value is read in the default zone."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _iso_datetime(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def _iso_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _format_temporal(value: Any, model_field: models.Field[Any, Any] | None) -> str | None:
    """Dates and datetimes, known from the model field or, without one, from the ISO shape."""
    if not isinstance(value, str):
        return None
    wants_datetime = isinstance(model_field, models.DateTimeField) or (
        model_field is None and _ISO_DATETIME.match(value)
    )
    if wants_datetime and (moment := _iso_datetime(value)) is not None:
        return format_datetime(moment)
    wants_date = isinstance(model_field, models.DateField) or (
        model_field is None and _ISO_DATE.match(value)
    )
    if wants_date and (day := _iso_date(value)) is not None:
        return format_date(day)
    return None


@dataclass(frozen=True)
class _FieldWords:
    """How one field of one record type is shown."""

    model_field: models.Field[Any, Any] | None
    formatter: ValueFormatter | None
    names_users: bool

    def format(self, value: Any, user_names: Mapping[str, str]) -> str:
        if value is HIDDEN:
            return _("(not visible to you)")
        if _is_empty(value):
            return EMPTY
        if isinstance(value, list | tuple):
            parts = [self.format(item, user_names) for item in value if not _is_empty(item)]
            return list_separator().join(parts) if parts else EMPTY
        if self.formatter is not None:
            return self.formatter(value)
        if self.names_users:
            return user_names.get(str(value), str(value))
        if self.model_field is not None and self.model_field.choices:
            return str(dict(self.model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        temporal = _format_temporal(value, self.model_field)
        return temporal if temporal is not None else str(value)


def _field_words(target_type: str, name: str) -> _FieldWords:
    words = _REGISTRY.get(target_type, _Words())
    model_field = _model_field(target_type, name)
    return _FieldWords(
        model_field=model_field,
        formatter=words.formatters.get(name),
        names_users=name in words.user_fields or _points_at_users(model_field),
    )


def field_label(target_type: str, name: str) -> str:
    registered = _REGISTRY.get(target_type, _Words()).labels.get(name)
    if registered is not None:
        return capfirst(str(registered))
    model_field = _model_field(target_type, name)
    if model_field is not None and model_field.verbose_name:
        return capfirst(str(model_field.verbose_name))
    return capfirst(name.rsplit(".", 1)[-1].replace("_", " "))


def _before_after(change: Any) -> tuple[Any, Any]:
    """``{"before": x, "after": y}``; a bare value (some events record only the new state) is
    the value after."""
    if isinstance(change, dict) and ("before" in change or "after" in change):
        return change.get("before"), change.get("after")
    return None, change


@functools.cache
def _field_positions(target_type: str) -> dict[str, int]:
    try:
        meta = apps.get_model(target_type)._meta
    except (LookupError, ValueError):
        return {}
    fields = [*meta.fields, *meta.many_to_many]
    return {model_field.name: index for index, model_field in enumerate(fields)}


def _in_form_order(target_type: str, names: Iterable[str]) -> list[str]:
    """The model's field order, then the rest by name: PostgreSQL's jsonb keeps no key order,
    and the same change must read the same on every database."""
    positions = _field_positions(target_type)
    return sorted(names, key=lambda name: (positions.get(name, len(positions)), name))


def _shown_changes(event: Any) -> list[tuple[str, _FieldWords, Any, Any]]:
    hidden = _REGISTRY.get(event.target_type, _Words()).hidden
    changes = event.changes or {}
    shown = []
    for name in _in_form_order(event.target_type, changes):
        change = changes[name]
        if name in hidden:
            continue
        before, after = _before_after(change)
        shown.append((name, _field_words(event.target_type, name), before, after))
    return shown


def _usernames(value: Any) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value]
    return [str(item) for item in values if not _is_empty(item)]


def _user_names(org_ids: set[int | None], usernames: set[str]) -> dict[str, str]:
    """One query for every username shown: username → display name."""
    if not usernames:
        return {}
    users = get_user_model().objects.filter(username__in=usernames)
    if None not in org_ids:
        users = users.filter(org_id__in=org_ids)
    return {user.username: user.display_name for user in users}


def _hide_references(events: list[Any], shown: dict[Any, list[Any]], viewer: Any) -> None:
    """Replace the values of reference fields the viewer may not see (one check per field)."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for event in events:
        for name, _words, before, after in shown[event.pk]:
            key = (event.target_type, name)
            if key in _REFERENCES:
                values = [v for v in (before, after) if not _is_empty(v)]
                wanted.setdefault(key, set()).update(str(v) for v in values)
    allowed = {
        key: (_REFERENCES[key](viewer, values) if viewer is not None else set())
        for key, values in wanted.items()
    }
    for event in events:
        rows = []
        for name, words, before, after in shown[event.pk]:
            key = (event.target_type, name)
            if key in allowed:
                before = before if _is_empty(before) or str(before) in allowed[key] else HIDDEN
                after = after if _is_empty(after) or str(after) in allowed[key] else HIDDEN
            rows.append((name, words, before, after))
        shown[event.pk] = rows


def describe_events(events: Iterable[Any], viewer: Any = None) -> list[Any]:
    """Give each event ``verb_text`` and ``change_rows`` (rows whose both sides show empty are
    dropped), as ``viewer`` may read them; returns the events."""
    events = list(events)
    shown = {event.pk: _shown_changes(event) for event in events}
    _hide_references(events, shown, viewer)
    usernames = {
        username
        for rows in shown.values()
        for _name, words, before, after in rows
        if words.names_users
        for username in _usernames(before) + _usernames(after)
    }
    names = _user_names({event.org_id for event in events}, usernames)
    looked_up = _looked_up_labels(events, shown)
    for event in events:
        rows = []
        for name, words, before, after in shown[event.pk]:
            before_text, after_text = words.format(before, names), words.format(after, names)
            if before_text == EMPTY and after_text == EMPTY:
                continue
            label = looked_up.get((event.org_id, event.target_type, name))
            label = label or field_label(event.target_type, name)
            rows.append(ChangeRow(name, label, before_text, after_text))
        event.verb_text = verb_label(event.verb)
        event.change_rows = rows
    return events
