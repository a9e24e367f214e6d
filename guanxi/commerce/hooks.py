"""Callbacks that upper layers register to react to commerce events without commerce importing them.

Analytics, for one, queues a refresh of the scores after every successful order import. An app
registers its callback in ``AppConfig.ready()``; the import service calls
``run_after_order_import(report.pk)`` once the import has finished and been saved.
"""

from __future__ import annotations

from collections.abc import Callable

AfterOrderImport = Callable[[int], None]

after_order_import: list[AfterOrderImport] = []


def register_after_order_import(callback: AfterOrderImport) -> None:
    """Add a callback taking the ``OrderImport`` primary key; registering twice is harmless."""
    if callback not in after_order_import:
        after_order_import.append(callback)


def run_after_order_import(import_id: int) -> None:
    for callback in after_order_import:
        callback(import_id)
