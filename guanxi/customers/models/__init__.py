from guanxi.customers.models.accounts import Account
from guanxi.customers.models.activities import Activity
from guanxi.customers.models.base import Tag
from guanxi.customers.models.contacts import Contact, ContactEmail, ContactPhone
from guanxi.customers.models.custom_fields import (
    CustomField,
    CustomFieldEntity,
    CustomFieldKind,
    CustomIdentifier,
)
from guanxi.customers.models.duplicates import (
    DuplicateDecision,
    DuplicatePair,
    DuplicateStatus,
    MergeRecord,
)
from guanxi.customers.models.scores import CustomerScore
from guanxi.customers.models.search import AccountSearchToken, ContactSearchToken

__all__ = [
    "Account",
    "AccountSearchToken",
    "Activity",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "ContactSearchToken",
    "CustomField",
    "CustomFieldEntity",
    "CustomFieldKind",
    "CustomIdentifier",
    "CustomerScore",
    "DuplicateDecision",
    "DuplicatePair",
    "DuplicateStatus",
    "MergeRecord",
    "Tag",
]
