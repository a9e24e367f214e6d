"""Search keys: one row per searchable key of a record, matched by prefix.

Every key is a prefix-searchable string in a namespace: ``w:`` for words (Chinese name suffixes,
so any part of a name is a prefix of some key; full pinyin and its syllable suffixes; initials;
Latin words; e-mail addresses), ``f:`` for phone digits from the front and ``r:`` for phone digits
reversed (so "last four digits" is a prefix too). A B-tree index answers all of these on SQLite
and PostgreSQL alike, including one- and two-character Chinese queries.
"""

from __future__ import annotations

from django.db import models

from guanxi.core.fields import ByteOrderCharField


class SearchTokenBase(models.Model):
    token = ByteOrderCharField(max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.token


class ContactSearchToken(SearchTokenBase):
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="search_tokens"
    )

    class Meta:
        indexes = [models.Index(fields=["token", "id"], name="customers_contact_token_idx")]


class AccountSearchToken(SearchTokenBase):
    account = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, related_name="search_tokens"
    )

    class Meta:
        indexes = [models.Index(fields=["token", "id"], name="customers_account_token_idx")]
