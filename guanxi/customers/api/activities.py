from __future__ import annotations

import uuid
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from guanxi.customers import selectors
from guanxi.customers.api.common import ListFilters, owner_for
from guanxi.customers.api.schemas import (
    ActivityCreate,
    ActivityOut,
    ActivityPage,
    ActivityUpdate,
    activity_out,
)
from guanxi.customers.choices import ActivityKind
from guanxi.customers.models import Activity
from guanxi.customers.services.activities import (
    activity_create,
    activity_delete,
    activity_set_done,
    activity_update,
)
from guanxi.platform.api_support import (
    WITH_BODY,
    answers,
    expected_version,
    get_visible,
    page_of,
    set_etag,
)
from guanxi.platform.idempotency import idempotent_create, json_response

router = Router()


class ActivityFilters(ListFilters):
    contact: uuid.UUID | None = None
    account: uuid.UUID | None = None
    kind: ActivityKind | Literal[""] = ""
    open_tasks: bool = False


def _visible(request: HttpRequest) -> Any:
    return selectors.activities_visible_to(request.user).select_related(
        "contact", "account", "assignee", "created_by"
    )


@router.get("", response=answers({200: ActivityPage}), summary="List activities")
def list_activities(request: HttpRequest, filters: Query[ActivityFilters]) -> dict[str, Any]:
    activities = _visible(request)
    if filters.contact:
        activities = activities.filter(contact__public_id=filters.contact)
    if filters.account:
        activities = activities.filter(account__public_id=filters.account)
    if filters.kind:
        activities = activities.filter(kind=filters.kind)
    if filters.open_tasks:
        activities = activities.filter(kind="task", done_at__isnull=True)
    if filters.updated_since:
        activities = activities.filter(updated_at__gte=filters.updated_since)
    return page_of(activities, filters, activity_out)


@router.post(
    "", response=answers({201: ActivityOut}, 403, 404, *WITH_BODY), summary="Log an activity"
)
def create_activity(request: HttpRequest, payload: ActivityCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        contact = (
            get_visible(selectors.contacts_visible_to(request.user), payload.contact)
            if payload.contact
            else None
        )
        account = (
            get_visible(selectors.accounts_visible_to(request.user), payload.account)
            if payload.account
            else None
        )
        activity = activity_create(
            actor=request.user,
            kind=payload.kind,
            subject=payload.subject,
            body=payload.body,
            contact=contact,
            account=account,
            occurred_at=payload.occurred_at,
            due_at=payload.due_at,
            assignee=owner_for(request, payload.assignee),
        )
        shown = _visible(request).get(pk=activity.pk)
        return 201, ActivityOut.model_validate(activity_out(shown)).model_dump(mode="json")

    return json_response(*idempotent_create(request, create))


@router.get("/{activity_id}", response=answers({200: ActivityOut}, 404), summary="Get an activity")
def get_activity(request: HttpRequest, activity_id: uuid.UUID, response: HttpResponse) -> Any:
    activity = get_visible(_visible(request), activity_id)
    set_etag(response, activity.version)
    return activity_out(activity)


@router.patch(
    "/{activity_id}",
    response=answers({200: ActivityOut}, 403, 404, 409, 412, 428, *WITH_BODY),
    summary="Update or complete an activity",
)
def update_activity(
    request: HttpRequest, activity_id: uuid.UUID, payload: ActivityUpdate, response: HttpResponse
) -> Any:
    activity: Activity = get_visible(_visible(request), activity_id)
    version = expected_version(request, payload.version, activity.version)
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "done"})
    with transaction.atomic():  # an edit and "done" in one request succeed or fail together
        if fields:
            activity = activity_update(
                actor=request.user, activity=activity, version=version, **fields
            )
            version = activity.version
        if payload.done is not None:
            activity_set_done(
                actor=request.user, activity=activity, done=payload.done, version=version
            )
    activity = get_visible(_visible(request), activity_id)
    set_etag(response, activity.version)
    return activity_out(activity)


@router.delete(
    "/{activity_id}", response=answers({204: None}, 403, 404), summary="Delete an activity"
)
def delete_activity(request: HttpRequest, activity_id: uuid.UUID) -> Status:
    activity_delete(actor=request.user, activity=get_visible(_visible(request), activity_id))
    return Status(204, None)
