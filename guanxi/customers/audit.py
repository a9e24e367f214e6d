"""Customers tell the audit trail which contacts and accounts a user may read the history of."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from guanxi.customers.models import Account, Contact
from guanxi.platform.audit_visibility import register_audit_subject
from guanxi.platform.visibility import visible_filter


def _visible_contact_ids(user: Any) -> QuerySet[Any]:
    return Contact.objects.filter(visible_filter(user, Contact)).values("pk")


def _visible_account_ids(user: Any) -> QuerySet[Any]:
    return Account.objects.filter(visible_filter(user, Account)).values("pk")


def register_audit_subjects() -> None:
    register_audit_subject(Contact._meta.label_lower, _visible_contact_ids)
    register_audit_subject(Account._meta.label_lower, _visible_account_ids)
