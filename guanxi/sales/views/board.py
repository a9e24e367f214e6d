"""The opportunity board: one column per stage of a pipeline; a card moves with a form (keyboard
and phone friendly, no script needed) that carries the version the user saw."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.errors import GuanxiError
from guanxi.core.money import Money, money_sum
from guanxi.sales import selectors
from guanxi.sales.choices import StageOutcome
from guanxi.sales.forms import StageMoveForm
from guanxi.sales.models import Stage
from guanxi.sales.services.opportunities import opportunity_update
from guanxi.sales.services.pipelines import ensure_default_pipeline

CARDS_PER_STAGE = 100
# What a card shows (sales/opportunity_board.html), read as values rather than model instances:
# a field the template starts to show must be added here and to ``_card`` (a dict has no
# attribute to fall back on; the template would write nothing).
CARD_FIELDS = (
    "pk",
    "public_id",
    "name",
    "amount",
    "currency",
    "stage_id",
    "version",
    "closed_at",
    "close_reason",
    "owner_id",
    "account_id",
    "contact_id",
    "account__name",
)


@login_required
def opportunity_board_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    pipeline = ensure_default_pipeline(int(user.org_id))
    stages = list(pipeline.stages.all())
    deals = selectors.opportunity_list(user, pipeline_id=pipeline.pk).order_by("-pk")
    # Of the newest deals, up to CARDS_PER_STAGE a stage: chosen from keys and stages alone, then
    # only the chosen cards are read, through the same visible list.
    chosen: defaultdict[int, list[int]] = defaultdict(list)
    for pk, stage_id in deals.values_list("pk", "stage_id")[: CARDS_PER_STAGE * 10]:
        if len(chosen[stage_id]) < CARDS_PER_STAGE:
            chosen[stage_id].append(pk)
    wanted = [pk for pks in chosen.values() for pk in pks]
    rows = [SimpleNamespace(**row) for row in deals.filter(pk__in=wanted).values(*CARD_FIELDS)]
    by_stage: defaultdict[int, list[SimpleNamespace]] = defaultdict(list)
    for row in rows:
        if len(by_stage[row.stage_id]) < CARDS_PER_STAGE:  # a card moved in between
            by_stage[row.stage_id].append(row)
    shown = selectors.visible_links(user, rows)
    owners = {
        owner.pk: {"display_name": escape(owner.display_name)}
        for owner in get_user_model().objects.filter(pk__in={row.owner_id for row in rows})
    }
    # Each card and stage as a dict of ready values: the template reads a dict's keys faster
    # than a model's attributes, keys as text skip number formatting, and text escaped here
    # with ``escape`` (what autoescaping applies) is not escaped again. A card is read once,
    # a stage once per card (its move menu): 700 cards are about 5,000 stage options.
    plain = {stage.pk: _stage(stage) for stage in stages}
    columns = []
    for stage in stages:
        here = by_stage.get(stage.pk, [])
        # (deal, its company when the viewer may see it): a card never names a hidden one.
        cards = [
            (
                _card(row, owners[row.owner_id]),
                {"name": escape(row.account__name)}
                if ("account", row.account_id) in shown
                else None,
            )
            for row in here
        ]
        columns.append(
            {
                "stage": plain[stage.pk],
                "cards": cards,
                "total": money_sum(Money.of(row.amount, row.currency) for row in here)
                if cards
                else None,
            }
        )
    return render(
        request,
        "sales/opportunity_board.html",
        {"pipeline": pipeline, "columns": columns, "stages": list(plain.values())},
    )


def _key(pk: Any) -> SafeString:
    """A key or UUID as the template writes it (digits, hex and dashes need no escaping)."""
    return mark_safe(str(pk))  # noqa: S308


def _stage(stage: Stage) -> dict[str, Any]:
    return {
        "pk": _key(stage.pk),
        "name": escape(stage.name),
        "outcome": stage.outcome,
        "probability": stage.probability,
    }


def _card(row: SimpleNamespace, owner: dict[str, Any]) -> dict[str, Any]:
    return {
        "public_id": _key(row.public_id),
        "name": escape(row.name),
        "amount": row.amount,
        "owner": owner,
        "closed_at": row.closed_at,
        "version": row.version,
        "stage_id": _key(row.stage_id),
        "close_reason": escape(row.close_reason),
    }


@login_required
@require_POST
def opportunity_move_view(request: HttpRequest, public_id: str) -> HttpResponse:
    deal = selectors.opportunity_list(request.user).filter(public_id=public_id).first()
    if deal is None:
        raise Http404
    form = StageMoveForm(request.POST, pipeline=deal.pipeline)
    if not form.is_valid():
        messages.error(request, _("Choose a stage of this pipeline."))
        return redirect("opportunity-board")
    reason = form.cleaned_data["close_reason"].strip()
    if form.cleaned_data["stage"].outcome == StageOutcome.LOST and not reason:
        # Win/loss analysis needs the why: the board asks for it when it is known.
        messages.error(request, _("Say why the deal was lost (and to whom, if you know)."))
        return redirect("opportunity-board")
    try:
        opportunity_update(
            actor=request.user,
            opportunity=deal,
            stage=form.cleaned_data["stage"],
            version=form.cleaned_data["version"],
            **({"close_reason": reason} if reason else {}),
        )
    except GuanxiError as exc:
        messages.error(request, str(exc) or _("The move was refused."))
    return redirect("opportunity-board")
