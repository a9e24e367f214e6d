"""API shapes for contacts, accounts and activities."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from guanxi.customers.choices import AccountRole, ActivityKind, CompanySize, Gender, PhoneKind
from guanxi.customers.custom_fields import custom_fields_of
from guanxi.customers.models import Account, Activity, Contact
from guanxi.customers.phones import display_phone
from guanxi.platform.api_support import (
    Body,
    Flag,
    IsoDate,
    IsoDateTime,
    NonBlank,
    UserName,
    Version,
)
from guanxi.platform.visibility import Visibility

ShortText = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20000)]
TagName = Annotated[str, StringConstraints(max_length=40)]


class PhoneIn(Schema):
    number: Annotated[str, StringConstraints(max_length=40)]
    kind: PhoneKind | Literal[""] = Field(
        "", description="mobile, landline, work, home or other; inferred from the number if empty"
    )


CustomKey = Annotated[str, StringConstraints(min_length=1, max_length=40)]
CustomValueIn = Annotated[str, StringConstraints(max_length=500)] | Flag | None
CustomValueOut = str | bool | None
CUSTOM_IN = (
    "Values of the organisation's custom fields (`GET /api/v1/custom-fields`) by key: text, "
    'identifiers and choices as text, numbers as decimal strings (`"12.50"`), dates as ISO '
    '`YYYY-MM-DD`, yes/no as true/false; null or "" removes a value. Keys not sent keep their '
    "values."
)
CUSTOM_OUT = (
    "Every active custom field by key: numbers as decimal strings, dates ISO, yes/no as "
    "true/false, null when the record holds no value."
)

PhoneField = Annotated[str, StringConstraints(max_length=40)] | PhoneIn
EmailField = Annotated[str, StringConstraints(max_length=254)]


class RecordWrite(Body):
    """Fields that accounts and contacts share; all optional so that PATCH sends only changes."""

    province: ShortText | None = None
    city: ShortText | None = None
    district: ShortText | None = None
    street: ShortText | None = None
    postcode: Annotated[str, StringConstraints(max_length=12)] | None = None
    description: LongText | None = None
    visibility: Visibility | SkipJsonSchema[None] = Field(
        None, description="Not null: a record is always visible to someone"
    )
    owner: UserName | None = None
    tags: list[TagName] | None = Field(None, max_length=20)
    custom: dict[CustomKey, CustomValueIn] | None = Field(
        None, max_length=100, description=CUSTOM_IN
    )


class RecordOut(Schema):
    id: uuid.UUID
    name: str
    province: str
    city: str
    district: str
    street: str
    postcode: str
    description: str
    visibility: str
    owner: str
    tags: list[str]
    custom: dict[str, CustomValueOut] = Field(description=CUSTOM_OUT)
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    possible_duplicates: list[uuid.UUID] = []


RECORD_ATTRIBUTES = (
    "name",
    "province",
    "city",
    "district",
    "street",
    "postcode",
    "description",
    "visibility",
    "version",
    "created_at",
    "updated_at",
)


def record_out(
    record: Any,
    attributes: tuple[str, ...],
    *,
    custom_keys: Sequence[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """``custom_keys``: the active custom fields' keys, looked up once per page by the caller
    (``custom_field_keys``); looked up here when not given."""
    if custom_keys is None:
        custom_keys = custom_field_keys(record.org_id, record._meta.model_name)
    stored = record.custom or {}
    return {
        "id": record.public_id,
        **{name: getattr(record, name) for name in (*RECORD_ATTRIBUTES, *attributes)},
        "owner": record.owner.username,
        "tags": sorted(t.name for t in record.tags.all()),
        "custom": {key: stored.get(key) for key in custom_keys},
        **extra,
    }


def custom_field_keys(org_id: int, entity: str) -> list[str]:
    return [field.key for field in custom_fields_of(org_id, entity)]


class ContactWrite(RecordWrite):
    name: NonBlank | SkipJsonSchema[None] = Field(
        None, description="Not null: a contact keeps a name"
    )
    phones: list[PhoneField] | None = Field(None, max_length=10)
    emails: list[EmailField] | None = Field(None, max_length=10)
    title: ShortText | None = None
    account: uuid.UUID | None = None
    account_role: AccountRole | Literal[""] | None = None
    wechat_id: ShortText | None = None
    birthday: IsoDate | None = None
    gender: Gender | None = None
    source: ShortText | None = None
    external_id: str | None = Field(None, max_length=64)


class ContactCreate(ContactWrite):
    name: NonBlank


class ContactUpdate(ContactWrite):
    version: Version | None = None


class PhoneOut(Schema):
    number: str
    kind: str
    display: str


class ContactOut(RecordOut):
    pinyin: str
    title: str
    phones: list[PhoneOut]
    emails: list[str]
    account: uuid.UUID | None
    account_name: str | None
    account_role: str
    wechat_id: str
    birthday: datetime.date | None
    gender: str
    source: str
    external_id: str


def contact_out(contact: Contact, **extra: Any) -> dict[str, Any]:
    return record_out(
        contact,
        (
            "pinyin",
            "title",
            "account_role",
            "wechat_id",
            "birthday",
            "gender",
            "source",
            "external_id",
        ),
        phones=[
            {"number": p.number, "kind": p.kind, "display": display_phone(p.number)}
            for p in contact.phones.all()
        ],
        emails=[e.email for e in contact.emails.all()],
        account=contact.shown_account.public_id if contact.shown_account else None,
        account_name=contact.shown_account.name if contact.shown_account else None,
        **extra,
    )


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class AccountWrite(RecordWrite):
    name: NonBlank | SkipJsonSchema[None] = Field(
        None, description="Not null: an account keeps a name"
    )
    industry: ShortText | None = None
    size: CompanySize | None = None
    website: Annotated[str, StringConstraints(max_length=300)] | None = None


class AccountCreate(AccountWrite):
    name: NonBlank


class AccountUpdate(AccountWrite):
    version: Version | None = None


class AccountOut(RecordOut):
    industry: str
    size: str
    website: str


def account_out(account: Account, **extra: Any) -> dict[str, Any]:
    return record_out(account, ("industry", "size", "website"), **extra)


class AccountPage(Schema):
    items: list[AccountOut]
    next_cursor: str | None


class ActivityCreate(Body):
    # An activity belongs to a contact, an account or both.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["contact"], "properties": {"contact": {"type": "string"}}},
                {"required": ["account"], "properties": {"account": {"type": "string"}}},
            ]
        }
    )

    kind: ActivityKind
    subject: ShortText = ""
    body: LongText = ""
    contact: uuid.UUID | None = None
    account: uuid.UUID | None = None
    occurred_at: IsoDateTime | None = None
    due_at: IsoDateTime | None = None
    assignee: UserName | None = None


class ActivityUpdate(Body):
    version: Version | None = None
    subject: ShortText | None = None
    body: LongText | None = None
    due_at: IsoDateTime | None = None
    done: Flag | None = None


class ActivityOut(Schema):
    id: uuid.UUID
    kind: str
    subject: str
    body: str
    contact: uuid.UUID | None
    account: uuid.UUID | None
    occurred_at: datetime.datetime
    due_at: datetime.datetime | None
    assignee: str | None
    done: bool
    created_by: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


def activity_out(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.public_id,
        "kind": activity.kind,
        "subject": activity.subject,
        "body": activity.body,
        "contact": activity.contact.public_id if activity.contact else None,
        "account": activity.shown_account.public_id if activity.shown_account else None,
        "occurred_at": activity.occurred_at,
        "due_at": activity.due_at,
        "assignee": activity.assignee.username if activity.assignee else None,
        "done": activity.done_at is not None,
        "created_by": activity.created_by.username,
        "version": activity.version,
        "created_at": activity.created_at,
        "updated_at": activity.updated_at,
    }


class ActivityPage(Schema):
    items: list[ActivityOut]
    next_cursor: str | None
