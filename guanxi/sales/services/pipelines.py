"""The default pipeline every organisation starts with."""

from __future__ import annotations

from django.db import transaction

from guanxi.sales.choices import DEFAULT_STAGES
from guanxi.sales.models import Pipeline, Stage


@transaction.atomic
def ensure_default_pipeline(org_id: int) -> Pipeline:
    """The organisation's default pipeline, created with the usual stages the first time."""
    pipeline = Pipeline.objects.filter(org_id=org_id, is_default=True).first()
    if pipeline is not None:
        return pipeline
    pipeline = Pipeline.objects.create(org_id=org_id, name=_default_name(), is_default=True)
    Stage.objects.bulk_create(
        [
            Stage(
                pipeline=pipeline,
                name=str(name),
                position=position,
                probability=probability,
                outcome=outcome,
            )
            for position, (name, probability, outcome) in enumerate(DEFAULT_STAGES)
        ]
    )
    return pipeline


def _default_name() -> str:
    from django.utils.translation import gettext

    return gettext("Sales pipeline")
