"""Churn signals from other modules (open complaints, low satisfaction, broken promises).

The registry lives with the customers, below every module that has signals (service, sales) and
below analytics, which reads it: a module registers a provider in its ``AppConfig.ready()``
without importing up the layers. Analytics asks every provider about the customers it scores and
adds their reasons. Without a provider there are no such reasons, and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

# (org id, contact ids) → {contact id: [reason, ...]}; a reason is a dict with at least "code".
SignalProvider = Callable[[int, Sequence[int]], dict[int, list[dict[str, Any]]]]

_PROVIDERS: dict[str, SignalProvider] = {}


def register_churn_signal(key: str, provider: SignalProvider) -> None:
    _PROVIDERS[key] = provider


def unregister_churn_signal(key: str) -> None:
    _PROVIDERS.pop(key, None)


def service_signals(org_id: int, contact_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for provider in _PROVIDERS.values():
        for contact_id, reasons in provider(org_id, contact_ids).items():
            found.setdefault(contact_id, []).extend(reasons)
    return found
