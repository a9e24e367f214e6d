"""Web-to-lead forms in the API: administrators define them; visitors submit without a token."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field, Strict, StringConstraints

from guanxi.customers.api.common import owner_for
from guanxi.platform.api_support import WITH_BODY, Body, Flag, NonBlank, UserName, answers
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.platform.records import require_permission
from guanxi.sales.models import LeadForm
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.lead_forms import lead_form_create, lead_form_submit

router = Router(tags=["sales"])
Short = Annotated[str, StringConstraints(max_length=200)]
Long = Annotated[str, StringConstraints(max_length=10000)]


class LeadFormCreate(Body):
    name: NonBlank
    source: Annotated[str, StringConstraints(max_length=40)] = Field(
        "web_form", description="Channel code of the leads it makes"
    )
    owner: UserName | None = Field(None, description="User name of the new leads' owner")
    ask_company: Flag = True
    ask_message: Flag = True
    thank_you: Annotated[str, StringConstraints(max_length=300)] = ""
    response_hours: Annotated[int, Strict()] = Field(24, ge=1, le=720)


class LeadFormOut(Schema):
    id: str
    name: str
    slug: str
    source: str
    owner: str
    ask_company: bool
    ask_message: bool
    thank_you: str
    response_hours: int
    active: bool
    page_url: str
    submission_url: str


class SubmissionIn(Body):
    """All optional here: what is missing is named on its field in the visitor's language."""

    name: Short | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    company: Short | None = None
    message: Long | None = None
    website: Short | None = Field(None, description="Leave empty (a trap for robots)")
    utm_source: Short | None = None
    utm_medium: Short | None = None
    utm_campaign: Short | None = None
    utm_term: Short | None = None
    utm_content: Short | None = None


class SubmissionOut(Schema):
    message: str


def form_out(form: LeadForm) -> dict[str, Any]:
    return {
        "id": str(form.public_id),
        "name": form.name,
        "slug": form.slug,
        "source": form.channel.code,
        "owner": form.owner.username,
        "ask_company": form.ask_company,
        "ask_message": form.ask_message,
        "thank_you": form.thank_you,
        "response_hours": form.response_hours,
        "active": form.active,
        "page_url": reverse("lead-form-page", args=[form.slug]),
        "submission_url": f"/api/v1/public/lead-forms/{form.slug}/submissions",
    }


@router.get("/lead-forms", response=answers({200: list[LeadFormOut]}, 403), summary="Web forms")
def list_lead_forms(request: HttpRequest) -> list[dict[str, Any]]:
    require_permission(request.user, SalesPermission.MANAGE_LEAD_FORMS)
    forms = LeadForm.objects.filter(org_id=request.user.org_id).select_related("owner", "channel")  # type: ignore[union-attr]
    return [form_out(form) for form in forms.order_by("pk")]


@router.post(
    "/lead-forms",
    response=answers({201: LeadFormOut}, 403, 404, *WITH_BODY),
    summary="Define a web-to-lead form",
)
def create_lead_form(request: HttpRequest, payload: LeadFormCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        fields = payload.model_dump()
        fields["owner"] = owner_for(request, fields["owner"])
        return 201, form_out(lead_form_create(actor=request.user, **fields))

    return json_response(*idempotent_create(request, create))


@router.post(
    "/public/lead-forms/{slug}/submissions",
    auth=None,
    response=answers({201: SubmissionOut}, 404, 429, *WITH_BODY),
    summary="Submit a web form (no token: for the public page and embedding sites)",
)
def submit_lead_form(request: HttpRequest, slug: str, payload: SubmissionIn) -> HttpResponse:
    done = lead_form_submit(
        slug=slug,
        data=payload.model_dump(),
        address=request.META.get("REMOTE_ADDR") or None,
    )
    return json_response(201, {"message": done.message})
