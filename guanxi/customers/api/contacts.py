from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from guanxi.customers import selectors
from guanxi.customers.api.common import (
    CUSTOM_FILTERS,
    ListFilters,
    owner_id_for,
    payload_fields,
)
from guanxi.customers.api.schemas import (
    ContactCreate,
    ContactOut,
    ContactPage,
    ContactUpdate,
    contact_out,
    custom_field_keys,
)
from guanxi.customers.custom_fields import custom_filter_params
from guanxi.customers.models import Contact
from guanxi.customers.services.contacts import (
    clean_emails,
    contact_create,
    contact_delete,
    contact_update,
    without_hidden_account_unlink,
)
from guanxi.platform.api_support import (
    WITH_BODY,
    answers,
    get_visible,
    page_of,
    patch_record,
    set_etag,
)
from guanxi.platform.idempotency import idempotent_create, json_response

router = Router()


def _dump(contact: Contact, **extra: Any) -> dict[str, Any]:
    return ContactOut.model_validate(contact_out(contact, **extra)).model_dump(mode="json")


def _service_fields(request: HttpRequest, payload: Any) -> dict[str, Any]:
    fields = payload_fields(request, payload)
    if "phones" in fields:
        fields["phones"] = [p if isinstance(p, str) else dict(p) for p in fields["phones"]]
    if fields.get("account"):
        visible_accounts = selectors.accounts_visible_to(request.user)
        fields["account"] = get_visible(visible_accounts, fields["account"])
    return fields


def _one(request: HttpRequest, contact_id: uuid.UUID) -> Contact:
    return get_visible(
        selectors.with_contact_details(selectors.contacts_visible_to(request.user), request.user),
        contact_id,
    )


@router.get(
    "",
    response=answers({200: ContactPage}),
    summary="List or search contacts",
    description=CUSTOM_FILTERS,
)
def list_contacts(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    contacts = selectors.contact_list(
        request.user,
        q=filters.q,
        owner_id=owner_id_for(request, filters.owner),
        tag=filters.tag,
        province=filters.province,
        updated_since=filters.updated_since,
        scope=filters.scope,
        custom=custom_filter_params(request.GET),
    )
    keys = custom_field_keys(getattr(request.user, "org_id", 0), "contact")
    return page_of(contacts, filters, lambda c: contact_out(c, custom_keys=keys))


@router.post(
    "", response=answers({201: ContactOut}, 403, 404, *WITH_BODY), summary="Create a contact"
)
def create_contact(request: HttpRequest, payload: ContactCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        fields = _service_fields(request, payload)
        contact = contact_create(actor=request.user, **fields)
        duplicates = selectors.contact_duplicates(
            request.user,
            phones=[p.number for p in contact.phones.all()],
            emails=clean_emails(fields.get("emails") or []),
            name=contact.name,
            account_id=contact.account_id,
            exclude_id=contact.pk,
        )
        shown = _one(request, contact.public_id)
        return 201, _dump(shown, possible_duplicates=[d.public_id for d in duplicates])

    response = json_response(*idempotent_create(request, create))
    return response


@router.get("/{contact_id}", response=answers({200: ContactOut}, 404), summary="Get a contact")
def get_contact(request: HttpRequest, contact_id: uuid.UUID, response: HttpResponse) -> Any:
    contact = _one(request, contact_id)
    set_etag(response, contact.version)
    return contact_out(contact)


@router.patch(
    "/{contact_id}",
    response=answers({200: ContactOut}, 403, 404, 409, 412, 428, *WITH_BODY),
    summary="Update a contact",
)
def update_contact(
    request: HttpRequest, contact_id: uuid.UUID, payload: ContactUpdate, response: HttpResponse
) -> Any:
    fields = _service_fields(request, payload)
    contact = _one(request, contact_id)
    fields = without_hidden_account_unlink(contact, fields)
    patch_record(request, contact, payload, kind="contact", update=contact_update, **fields)
    contact = _one(request, contact_id)
    set_etag(response, contact.version)
    return contact_out(contact)


@router.delete(
    "/{contact_id}",
    response=answers({204: None}, 403, 404),
    summary="Delete a contact (restorable)",
)
def delete_contact(request: HttpRequest, contact_id: uuid.UUID) -> Status:
    contact_delete(actor=request.user, contact=_one(request, contact_id))
    return Status(204, None)
