"""Importing customers through the platform's import framework (contacts; accounts later)."""

from __future__ import annotations


def register() -> None:
    from guanxi.customers.importing.contacts import ContactImporter
    from guanxi.platform.imports.registry import register_importer

    register_importer(ContactImporter())
