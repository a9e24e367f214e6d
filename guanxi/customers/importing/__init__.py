"""Importing customers through the platform's import framework: contacts and accounts."""

from __future__ import annotations


def register() -> None:
    from guanxi.customers.importing.accounts import AccountImporter
    from guanxi.customers.importing.contacts import ContactImporter
    from guanxi.platform.imports.registry import register_importer

    register_importer(ContactImporter())
    register_importer(AccountImporter())
