"""Panels on the customer 360 page, contributed by later modules.

Sales adds deals, service adds tickets, loyalty adds cards, analytics adds value scores: each
registers a :class:`Panel` in its ``AppConfig.ready()``; the customers app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PanelContext = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any  # a string or a lazy translation
    template: str
    context: PanelContext
    order: int = 100
    applies_to: frozenset[str] = field(default_factory=lambda: frozenset({"contact", "account"}))


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def unregister_panel(key: str) -> None:
    _PANELS.pop(key, None)


def panels_for(kind: str) -> list[Panel]:
    return sorted((p for p in _PANELS.values() if kind in p.applies_to), key=lambda p: p.order)
