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
    AccountCreate,
    AccountOut,
    AccountPage,
    AccountUpdate,
    account_out,
    custom_field_keys,
)
from guanxi.customers.custom_fields import custom_filter_params
from guanxi.customers.models import Account
from guanxi.customers.services.accounts import account_create, account_delete, account_update
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


def _one(request: HttpRequest, account_id: uuid.UUID) -> Account:
    return get_visible(
        selectors.accounts_visible_to(request.user)
        .select_related("owner")
        .prefetch_related("tags"),
        account_id,
    )


@router.get(
    "",
    response=answers({200: AccountPage}),
    summary="List or search accounts",
    description=CUSTOM_FILTERS,
)
def list_accounts(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    accounts = selectors.account_list(
        request.user,
        q=filters.q,
        owner_id=owner_id_for(request, filters.owner),
        tag=filters.tag,
        province=filters.province,
        updated_since=filters.updated_since,
        scope=filters.scope,
        custom=custom_filter_params(request.GET),
    )
    keys = custom_field_keys(getattr(request.user, "org_id", 0), "account")
    return page_of(accounts, filters, lambda a: account_out(a, custom_keys=keys))


@router.post(
    "", response=answers({201: AccountOut}, 403, 404, *WITH_BODY), summary="Create an account"
)
def create_account(request: HttpRequest, payload: AccountCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        account = account_create(actor=request.user, **payload_fields(request, payload))
        duplicates = selectors.account_duplicates(
            request.user, name=account.name, exclude_id=account.pk
        )
        body = account_out(account, possible_duplicates=[d.public_id for d in duplicates])
        return 201, AccountOut.model_validate(body).model_dump(mode="json")

    return json_response(*idempotent_create(request, create))


@router.get("/{account_id}", response=answers({200: AccountOut}, 404), summary="Get an account")
def get_account(request: HttpRequest, account_id: uuid.UUID, response: HttpResponse) -> Any:
    account = _one(request, account_id)
    set_etag(response, account.version)
    return account_out(account)


@router.patch(
    "/{account_id}",
    response=answers({200: AccountOut}, 403, 404, 409, 412, 428, *WITH_BODY),
    summary="Update an account",
)
def update_account(
    request: HttpRequest, account_id: uuid.UUID, payload: AccountUpdate, response: HttpResponse
) -> Any:
    fields = payload_fields(request, payload)
    patch_record(
        request, _one(request, account_id), payload, kind="account", update=account_update, **fields
    )
    account = _one(request, account_id)
    set_etag(response, account.version)
    return account_out(account)


@router.delete(
    "/{account_id}",
    response=answers({204: None}, 403, 404),
    summary="Delete an account (restorable)",
)
def delete_account(request: HttpRequest, account_id: uuid.UUID) -> Status:
    account_delete(actor=request.user, account=_one(request, account_id))
    return Status(204, None)
