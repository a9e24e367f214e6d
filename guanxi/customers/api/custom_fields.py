"""``GET /api/v1/custom-fields``: the definitions every API client needs to read and write the
``custom`` object of contacts and accounts; everyone who may use the API sees them."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from guanxi.customers.models import CustomField, CustomFieldEntity
from guanxi.platform.api_support import answers

router = Router()


class CustomFieldOut(Schema):
    entity: str = Field(description="contact or account")
    key: str = Field(description="The key in the records' `custom` object and in filters")
    label: str
    kind: str = Field(description="text, number, date, choice, bool or identifier")
    choices: list[str] = Field(description="The options of a choice field; empty otherwise")
    position: int


class CustomFieldList(Schema):
    items: list[CustomFieldOut]


class CustomFieldFilters(Schema):
    entity: Literal["", "contact", "account"] = Field("", description="Only this entity's fields")


@router.get(
    "", response=answers({200: CustomFieldList}), summary="List the custom fields (active ones)"
)
def list_custom_fields(request: HttpRequest, filters: Query[CustomFieldFilters]) -> Any:
    fields = CustomField.objects.filter(org_id=request.user.org_id, archived=False)  # type: ignore[union-attr]
    if filters.entity in CustomFieldEntity.values:
        fields = fields.filter(entity=filters.entity)
    return {
        "items": [
            {
                "entity": field.entity,
                "key": field.key,
                "label": field.label,
                "kind": field.kind,
                "choices": list(field.choices or []),
                "position": field.position,
            }
            for field in fields.order_by("entity", "position", "id")
        ]
    }
