"""Keeps the search keys of a record in step with the record (called inside its transaction)."""

from __future__ import annotations

from guanxi.customers import search
from guanxi.customers.models import Account, AccountSearchToken, Contact, ContactSearchToken


def contact_reindex(contact: Contact, *, phones: list[str], emails: list[str]) -> None:
    keys = search.contact_keys(name=contact.name, phones=phones, emails=emails)
    ContactSearchToken.objects.filter(contact=contact).delete()
    ContactSearchToken.objects.bulk_create(
        [ContactSearchToken(contact=contact, token=key) for key in sorted(keys)]
    )


def account_reindex(account: Account) -> None:
    keys = search.account_keys(name=account.name, website=account.website)
    AccountSearchToken.objects.filter(account=account).delete()
    AccountSearchToken.objects.bulk_create(
        [AccountSearchToken(account=account, token=key) for key in sorted(keys)]
    )
