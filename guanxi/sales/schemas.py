"""API shapes for leads, pipelines and opportunities."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, Strict, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from guanxi.customers.api.schemas import EmailField, PhoneField
from guanxi.platform.api_support import (
    Amount,
    Body,
    Flag,
    IsoDate,
    IsoDateTime,
    NonBlank,
    PageArgs,
    UserName,
    Version,
)
from guanxi.platform.visibility import Visibility
from guanxi.sales.choices import ForecastCategory, LeadStatus, PoolRuleKind
from guanxi.sales.masking import shown_emails, shown_phones
from guanxi.sales.models import Lead, Opportunity

ShortText = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=10000)]
Code = Annotated[str, StringConstraints(max_length=40)]
StageId = Annotated[int, Strict(), Field(ge=1, le=2**31 - 1)]
# A number of days or a count in a pool's settings (JSON numbers only: ``true`` is no number).
Days = Annotated[int, Strict()]


class LeadWrite(Body):
    phones: list[PhoneField] | None = Field(None, max_length=10)
    emails: list[EmailField] | None = Field(None, max_length=10)
    company: ShortText | None = None
    title: ShortText | None = None
    source: Code | None = Field(
        None,
        description="Channel code: web_form, trade_show, referral, phone, wechat, email, "
        "api, import, advertising, or one the organisation added",
    )
    province: ShortText | None = None
    city: ShortText | None = None
    district: ShortText | None = None
    message: LongText | None = None
    utm_source: ShortText | None = None
    utm_medium: ShortText | None = None
    utm_campaign: ShortText | None = None
    utm_term: ShortText | None = None
    utm_content: ShortText | None = None
    visibility: Visibility | None = None
    owner: UserName | None = Field(None, description="User name of the owner")


class LeadCreate(LeadWrite):
    name: NonBlank


class LeadUpdate(LeadWrite):
    name: NonBlank | SkipJsonSchema[None] = Field(None, description="Not null: a lead keeps a name")
    status: LeadStatus | None = None
    disqualified_reason: ShortText | None = None
    version: Version | None = None


class LeadOut(Schema):
    id: uuid.UUID
    name: str
    company: str
    title: str
    phones: list[str]
    emails: list[str]
    source: str
    province: str
    city: str
    district: str
    message: str
    status: str
    disqualified_reason: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    owner: str
    visibility: str
    in_pool: bool
    pool: str | None
    locked: bool
    respond_by: datetime.datetime | None
    converted_at: datetime.datetime | None
    contact_id: uuid.UUID | None
    account_id: uuid.UUID | None
    opportunity_id: uuid.UUID | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class LeadPage(Schema):
    items: list[LeadOut]
    next_cursor: str | None


class LeadFilters(PageArgs):
    q: str = Field("", max_length=100)
    status: LeadStatus | None = None
    source: Code = ""
    owner: str = Field("", max_length=150, description="User name of the owner")
    updated_since: IsoDateTime | None = None


class LockIn(Body):
    locked: Flag


class PoolRuleIn(Body):
    kind: PoolRuleKind = Field(description="What the customer must have had within the days")
    level: Literal["", "A", "B", "C", "D", "E"] = Field(
        "", description="Customer level (value grid cell); empty: every level"
    )
    days: Days = Field(ge=1, le=3650)


class PoolRuleOut(Schema):
    kind: str
    level: str
    days: int
    set_at: datetime.datetime


class PoolCreate(Body):
    name: NonBlank
    teams: list[Annotated[str, StringConstraints(max_length=100)]] = Field(
        default_factory=list, description="Names of the member teams (none: every team)"
    )
    is_default: Flag = False
    return_after_days: Days = Field(15, ge=1, le=3650)
    warn_days_before: Days = Field(3, ge=0, le=3650)
    daily_claim_cap: Days = Field(20, ge=0, le=3650)
    owned_cap: Days = Field(200, ge=0, le=3650)
    reclaim_after_days: Days = Field(7, ge=0, le=3650)
    lock_quota: Days = Field(5, ge=0, le=3650)
    customer_cap: Days = Field(1000, ge=0, le=100000)
    exempt_open_opportunity: Flag = True
    exempt_won_deal: Flag = False
    customer_rules: list[PoolRuleIn] = Field(default_factory=list, max_length=30)


class PoolRulesIn(Body):
    customer_rules: list[PoolRuleIn] = Field(max_length=30)


class PoolOut(Schema):
    id: uuid.UUID
    name: str
    teams: list[str]
    is_default: bool
    return_after_days: int
    warn_days_before: int
    daily_claim_cap: int
    owned_cap: int
    reclaim_after_days: int
    lock_quota: int
    customer_cap: int
    exempt_open_opportunity: bool
    exempt_won_deal: bool
    customer_rules: list[PoolRuleOut]


class PooledCustomerOut(Schema):
    kind: Literal["contact", "account"]
    id: uuid.UUID
    name: str
    province: str
    city: str
    phones: list[str] = Field(description="Masked until someone claims the customer")
    level: str
    pool: str
    pooled_at: datetime.datetime
    released: bool
    previous_owner: str
    may_claim: bool
    claimable_from: datetime.datetime | None = Field(
        description="For the rep who let it go: when they may claim it again"
    )


class PooledCustomerPage(Schema):
    items: list[PooledCustomerOut]
    next_cursor: str | None


class ClaimedCustomerOut(Schema):
    kind: Literal["contact", "account"]
    id: uuid.UUID
    name: str
    owner: str
    in_pool: bool
    locked: bool
    version: int


class ConvertIn(Body):
    create_opportunity: Flag = False
    opportunity_name: ShortText = ""
    amount: Amount | None = Field(None, examples=["128000.00"])
    contact_id: uuid.UUID | None = Field(None, description="Link to this existing contact")
    account_id: uuid.UUID | None = Field(None, description="Link to this existing account")


class ConvertOut(Schema):
    contact_id: uuid.UUID
    account_id: uuid.UUID | None
    opportunity_id: uuid.UUID | None


class StageOut(Schema):
    id: uuid.UUID | int
    name: str
    position: int
    probability: int
    outcome: str


class PipelineOut(Schema):
    id: uuid.UUID
    name: str
    is_default: bool
    stages: list[StageOut]


class OpportunityCreate(Body):
    name: NonBlank
    amount: Amount | None = Field(None, examples=["128000.00"])
    pipeline_id: uuid.UUID | None = None
    stage: StageId | None = Field(None, description="Stage id from GET /api/v1/pipelines")
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    expected_close: IsoDate | None = None
    next_step: ShortText = ""


class OpportunityUpdate(Body):
    stage: StageId | None = Field(None, description="Stage id from GET /api/v1/pipelines")
    name: NonBlank | SkipJsonSchema[None] = None
    amount: Amount | SkipJsonSchema[None] = Field(None, examples=["128000.00"])
    expected_close: IsoDate | None = None
    next_step: ShortText | SkipJsonSchema[None] = None
    forecast_category: ForecastCategory | SkipJsonSchema[None] = None
    close_reason: ShortText | SkipJsonSchema[None] = None
    competitor: Annotated[str, StringConstraints(max_length=100)] | SkipJsonSchema[None] = None
    version: Version | None = None


class OpportunityOut(Schema):
    id: uuid.UUID
    name: str
    pipeline_id: uuid.UUID
    stage: int
    stage_name: str
    probability: int
    amount: str
    currency: str
    expected_close: datetime.date | None
    next_step: str
    forecast_category: str
    close_reason: str
    competitor: str
    account_id: uuid.UUID | None
    account_name: str | None
    contact_id: uuid.UUID | None
    contact_name: str | None
    owner: str
    is_open: bool
    closed_at: datetime.datetime | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class OpportunityPage(Schema):
    items: list[OpportunityOut]
    next_cursor: str | None


class OpportunityFilters(PageArgs):
    pipeline_id: uuid.UUID | None = None
    stage: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None  # a query string: "3"
    owner: str = Field("", max_length=150, description="User name of the owner")
    open: bool | None = None
    updated_since: IsoDateTime | None = None


def _public(record: Any) -> uuid.UUID | None:
    return record.public_id if record is not None else None


def lead_out(lead: Lead, shown: set[tuple[str, int]]) -> dict[str, Any]:
    """``shown``: the (kind, pk) of linked customers the viewer may see; others are not named.
    A lead waiting in the pool shows its phones and e-mails masked until someone claims it."""
    in_pool = lead.pool_id is not None
    return {
        **{
            name: getattr(lead, name)
            for name in (
                "name",
                "company",
                "title",
                "phones",
                "emails",
                "province",
                "city",
                "district",
                "message",
                "status",
                "disqualified_reason",
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "utm_term",
                "utm_content",
                "visibility",
                "respond_by",
                "converted_at",
                "version",
                "created_at",
                "updated_at",
            )
        },
        "id": lead.public_id,
        "phones": shown_phones(lead),
        "emails": shown_emails(lead),
        "in_pool": in_pool,
        "pool": lead.pool.name if in_pool and lead.pool else None,
        "locked": lead.locked,
        "source": lead.channel.code if lead.channel else "",
        "owner": lead.owner.username,
        "contact_id": _public(lead.contact) if ("contact", lead.contact_id) in shown else None,
        "account_id": _public(lead.account) if ("account", lead.account_id) in shown else None,
        "opportunity_id": _public(lead.opportunity)
        if ("opportunity", lead.opportunity_id) in shown
        else None,
    }


def opportunity_out(deal: Opportunity, shown: set[tuple[str, int]]) -> dict[str, Any]:
    account = deal.account if ("account", deal.account_id) in shown else None
    contact = deal.contact if ("contact", deal.contact_id) in shown else None
    return {
        "id": deal.public_id,
        "name": deal.name,
        "pipeline_id": deal.pipeline.public_id,
        "stage": deal.stage_id,
        "stage_name": deal.stage.name,
        "probability": deal.stage.probability,
        "amount": f"{deal.amount:.2f}",
        "currency": deal.currency,
        "expected_close": deal.expected_close,
        "next_step": deal.next_step,
        "forecast_category": deal.forecast_category,
        "close_reason": deal.close_reason,
        "competitor": deal.competitor,
        "account_id": _public(account),
        "account_name": account.name if account else None,
        "contact_id": _public(contact),
        "contact_name": contact.name if contact else None,
        "owner": deal.owner.username,
        "is_open": deal.closed_at is None,
        "closed_at": deal.closed_at,
        "version": deal.version,
        "created_at": deal.created_at,
        "updated_at": deal.updated_at,
    }


class PeriodFilters(Schema):
    period: Annotated[
        str, StringConstraints(pattern=r"^(19|2[01])\d\d-(Q[1-4]|0[1-9]|1[0-2])$")
    ] = Field(description="A quarter (2026-Q4) or a month (2026-11)", examples=["2026-Q4"])


class ForecastFilters(PeriodFilters):
    owner: Annotated[str, StringConstraints(max_length=150)] = Field(
        "", description="User name: one rep's forecast"
    )


class ForecastFigures(Schema):
    open_count: int
    won_count: int
    pipeline: str
    weighted: str
    best_case: str
    commit: str
    won: str
    expected: str


class OwnerFigures(ForecastFigures):
    owner: str


class TeamFigures(ForecastFigures):
    team: str


class StageWinRate(Schema):
    stage: int
    name: str
    probability: int
    reached: int
    won: int
    win_rate: float | None


class ForecastOut(Schema):
    period: str
    start: datetime.date
    end: datetime.date
    currency: str
    total: ForecastFigures
    by_owner: list[OwnerFigures]
    by_team: list[TeamFigures]
    win_rate_by_stage: list[StageWinRate]


class FunnelFigures(Schema):
    leads: int
    qualified: int
    converted: int
    opportunities: int
    won: int
    won_revenue: str
    qualified_rate: float | None
    converted_rate: float | None
    won_rate: float | None
    median_days_to_convert: float | None


class ChannelFigures(FunnelFigures):
    channel: str


class CampaignFigures(ChannelFigures):
    campaign: str


class ChannelReportOut(Schema):
    period: str
    start: datetime.date
    end: datetime.date
    total: FunnelFigures
    channels: list[ChannelFigures]
    campaigns: list[CampaignFigures]
