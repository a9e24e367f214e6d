"""Sales API: leads, conversion, pipelines and opportunities (``/api/v1``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.api.common import owner_id_for, payload_fields
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.platform.api_support import (
    WITH_BODY,
    answers,
    expected_version,
    get_visible,
    page_of,
    set_etag,
)
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.sales import selectors
from guanxi.sales.api_deals import OpportunityDetailOut, deal_detail
from guanxi.sales.channel_report import channel_report
from guanxi.sales.forecast import forecast
from guanxi.sales.models import Lead, Opportunity, Stage
from guanxi.sales.schemas import (
    ChannelReportOut,
    ConvertIn,
    ConvertOut,
    ForecastFilters,
    ForecastOut,
    LeadCreate,
    LeadFilters,
    LeadOut,
    LeadPage,
    LeadUpdate,
    OpportunityCreate,
    OpportunityFilters,
    OpportunityOut,
    OpportunityPage,
    OpportunityUpdate,
    PeriodFilters,
    PipelineOut,
    lead_out,
    opportunity_out,
)
from guanxi.sales.services.conversion import lead_convert
from guanxi.sales.services.leads import lead_create, lead_update
from guanxi.sales.services.opportunities import opportunity_create, opportunity_update
from guanxi.sales.services.pipelines import ensure_default_pipeline

router = Router(tags=["sales"])


def _org(request: HttpRequest) -> int:
    return int(request.user.org_id)  # type: ignore[union-attr, arg-type]


def visible_lead(request: HttpRequest, lead_id: uuid.UUID) -> Lead:
    leads = selectors.leads_visible_to(request.user).select_related("owner", "channel", "pool")
    return get_visible(leads, lead_id)  # type: ignore[no-any-return]


def lead_body(request: HttpRequest, lead: Lead) -> dict[str, Any]:
    shown = selectors.visible_links(request.user, [lead])
    return LeadOut.model_validate(lead_out(lead, shown)).model_dump(mode="json")


def _lead_fields(request: HttpRequest, payload: Any) -> dict[str, Any]:
    fields = payload_fields(request, payload)
    if "phones" in fields:
        fields["phones"] = [p if isinstance(p, str) else dict(p) for p in fields["phones"]]
    return fields


@router.get("/leads", response=answers({200: LeadPage}), summary="List or search leads")
def list_leads(request: HttpRequest, filters: Query[LeadFilters]) -> dict[str, Any]:
    leads = selectors.lead_list(
        request.user,
        q=filters.q,
        status=filters.status or "",
        channel=filters.source,
        owner_id=owner_id_for(request, filters.owner),
        updated_since=filters.updated_since,
    )
    page = page_of(leads, filters, lambda lead: lead)
    shown = selectors.visible_links(request.user, page["items"])
    page["items"] = [lead_out(lead, shown) for lead in page["items"]]
    return page


@router.post("/leads", response=answers({201: LeadOut}, 403, 404, *WITH_BODY), summary="Add a lead")
def create_lead(request: HttpRequest, payload: LeadCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        lead = lead_create(actor=request.user, **_lead_fields(request, payload))
        return 201, lead_body(request, visible_lead(request, lead.public_id))

    return json_response(*idempotent_create(request, create))


@router.get("/leads/{lead_id}", response=answers({200: LeadOut}, 404), summary="Get a lead")
def get_lead(request: HttpRequest, lead_id: uuid.UUID, response: HttpResponse) -> Any:
    lead = visible_lead(request, lead_id)
    set_etag(response, lead.version)
    return lead_body(request, lead)


@router.patch(
    "/leads/{lead_id}",
    response=answers({200: LeadOut}, 403, 404, 409, 412, 428, *WITH_BODY),
    summary="Update a lead (status, details, owner)",
)
def update_lead(
    request: HttpRequest, lead_id: uuid.UUID, payload: LeadUpdate, response: HttpResponse
) -> Any:
    lead = visible_lead(request, lead_id)
    version = expected_version(request, payload.version, lead.version)
    lead_update(actor=request.user, lead=lead, version=version, **_lead_fields(request, payload))
    lead = visible_lead(request, lead_id)
    set_etag(response, lead.version)
    return lead_body(request, lead)


@router.post(
    "/leads/{lead_id}/convert",
    response=answers({200: ConvertOut}, 403, 404, 409, *WITH_BODY),
    summary="Convert a lead into a contact (and account, and optionally an opportunity)",
)
def convert_lead(request: HttpRequest, lead_id: uuid.UUID, payload: ConvertIn) -> Any:
    lead = visible_lead(request, lead_id)
    contact = account = None
    if payload.contact_id:
        contact = get_visible(contacts_visible_to(request.user), payload.contact_id)
    if payload.account_id:
        account = get_visible(accounts_visible_to(request.user), payload.account_id)
    done = lead_convert(
        actor=request.user,
        lead=lead,
        create_opportunity=payload.create_opportunity,
        opportunity_name=payload.opportunity_name,
        amount=payload.amount,
        contact=contact,
        account=account,
    )
    return {
        "contact_id": done.contact.public_id,
        "account_id": done.account.public_id if done.account else None,
        "opportunity_id": done.opportunity.public_id if done.opportunity else None,
    }


@router.get("/pipelines", response=answers({200: list[PipelineOut]}), summary="Pipelines")
def list_pipelines(request: HttpRequest) -> list[dict[str, Any]]:
    ensure_default_pipeline(_org(request))  # type: ignore[union-attr]
    return [
        {
            "id": pipeline.public_id,
            "name": pipeline.name,
            "is_default": pipeline.is_default,
            "stages": [
                {
                    "id": stage.pk,
                    "name": stage.name,
                    "position": stage.position,
                    "probability": stage.probability,
                    "outcome": stage.outcome,
                }
                for stage in pipeline.stages.all()
            ],
        }
        for pipeline in selectors.pipelines_of(_org(request))  # type: ignore[union-attr]
    ]


def _deal(request: HttpRequest, deal_id: uuid.UUID) -> Opportunity:
    deals = selectors.opportunity_list(request.user)
    return get_visible(deals, deal_id)  # type: ignore[no-any-return]


def _deal_dump(request: HttpRequest, deal: Opportunity) -> dict[str, Any]:
    shown = selectors.visible_links(request.user, [deal])
    return OpportunityOut.model_validate(opportunity_out(deal, shown)).model_dump(mode="json")


def _stage(request: HttpRequest, stage_id: int | None) -> Stage | None:
    if stage_id is None:
        return None
    stages = Stage.objects.filter(pipeline__org_id=_org(request))  # type: ignore[union-attr]
    stage = stages.filter(pk=stage_id).first()
    if stage is None:
        raise ServiceValidationError.for_field("stage", _("No such stage."))
    return stage


@router.get(
    "/opportunities", response=answers({200: OpportunityPage}), summary="List opportunities"
)
def list_opportunities(request: HttpRequest, filters: Query[OpportunityFilters]) -> Any:
    pipeline_id = None
    if filters.pipeline_id:
        # An unknown pipeline filters everything out, as an unknown owner does.
        pipelines = selectors.pipelines_of(_org(request)).filter(public_id=filters.pipeline_id)
        pipeline_id = pipelines.values_list("pk", flat=True).first() or -1
    deals = selectors.opportunity_list(
        request.user,
        pipeline_id=pipeline_id,
        stage_id=filters.stage,
        owner_id=owner_id_for(request, filters.owner),
        is_open=filters.open,
        updated_since=filters.updated_since,
    )
    page = page_of(deals, filters, lambda deal: deal)
    shown = selectors.visible_links(request.user, page["items"])
    page["items"] = [opportunity_out(deal, shown) for deal in page["items"]]
    return page


@router.post(
    "/opportunities",
    response=answers({201: OpportunityOut}, 403, 404, *WITH_BODY),
    summary="Add an opportunity",
)
def create_opportunity(request: HttpRequest, payload: OpportunityCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        pipeline = None
        if payload.pipeline_id:
            pipelines = selectors.pipelines_of(_org(request))  # type: ignore[union-attr]
            pipeline = get_visible(pipelines, payload.pipeline_id)
        account = contact = None
        if payload.account_id:
            account = get_visible(accounts_visible_to(request.user), payload.account_id)
        if payload.contact_id:
            contact = get_visible(contacts_visible_to(request.user), payload.contact_id)
        deal = opportunity_create(
            actor=request.user,
            name=payload.name,
            amount=payload.amount,
            pipeline=pipeline,
            stage=_stage(request, payload.stage),
            account=account,
            contact=contact,
            expected_close=payload.expected_close,
            next_step=payload.next_step,
        )
        return 201, _deal_dump(request, _deal(request, deal.public_id))

    return json_response(*idempotent_create(request, create))


@router.get(
    "/opportunities/{deal_id}",
    response=answers({200: OpportunityDetailOut}, 404),
    summary="One opportunity with its people and its time in each stage",
)
def get_opportunity(request: HttpRequest, deal_id: uuid.UUID, response: HttpResponse) -> Any:
    deal = _deal(request, deal_id)
    set_etag(response, deal.version)
    return deal_detail(request, deal)


@router.patch(
    "/opportunities/{deal_id}",
    response=answers({200: OpportunityOut}, 403, 404, 409, 412, 428, *WITH_BODY),
    summary="Move an opportunity to another stage, or change its details",
)
def update_opportunity(
    request: HttpRequest, deal_id: uuid.UUID, payload: OpportunityUpdate, response: HttpResponse
) -> Any:
    deal = _deal(request, deal_id)
    version = expected_version(request, payload.version, deal.version)
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "stage"})
    opportunity_update(
        actor=request.user,
        opportunity=deal,
        version=version,
        stage=_stage(request, payload.stage),
        **fields,
    )
    deal = _deal(request, deal_id)
    set_etag(response, deal.version)
    return _deal_dump(request, deal)


@router.get("/forecast", response=answers({200: ForecastOut}), summary="Sales forecast")
def get_forecast(request: HttpRequest, filters: Query[ForecastFilters]) -> Any:
    return forecast(
        request.user, filters.period, owner_id=owner_id_for(request, filters.owner)
    ).as_dict()


@router.get(
    "/channel-report",
    response=answers({200: ChannelReportOut}),
    summary="Leads per channel and campaign, and how far they went",
)
def get_channel_report(request: HttpRequest, filters: Query[PeriodFilters]) -> Any:
    return channel_report(request.user, filters.period)
