"""The opportunity board: one column per stage of a pipeline; a card moves with a form (keyboard
and phone friendly, no script needed) that carries the version the user saw."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.errors import GuanxiError
from guanxi.core.money import Money, money_sum
from guanxi.sales import selectors
from guanxi.sales.choices import StageOutcome
from guanxi.sales.forms import StageMoveForm
from guanxi.sales.models import Opportunity
from guanxi.sales.services.opportunities import opportunity_update
from guanxi.sales.services.pipelines import ensure_default_pipeline

CARDS_PER_STAGE = 100


@login_required
def opportunity_board_view(request: HttpRequest) -> HttpResponse:
    pipeline = ensure_default_pipeline(int(request.user.org_id))  # type: ignore[union-attr, arg-type]
    deals = selectors.opportunity_list(request.user, pipeline_id=pipeline.pk).order_by("-pk")
    by_stage: defaultdict[int, list[Opportunity]] = defaultdict(list)
    for deal in deals[: CARDS_PER_STAGE * 10]:
        if len(by_stage[deal.stage_id]) < CARDS_PER_STAGE:
            by_stage[deal.stage_id].append(deal)
    shown = selectors.visible_links(request.user, [d for ds in by_stage.values() for d in ds])
    columns = []
    for stage in pipeline.stages.all():
        deals_here = by_stage.get(stage.pk, [])
        # (deal, its company when the viewer may see it): a card never names a hidden one.
        cards = [
            (deal, deal.account if ("account", deal.account_id) in shown else None)
            for deal in deals_here
        ]
        columns.append(
            {
                "stage": stage,
                "cards": cards,
                "total": money_sum(Money.of(deal.amount, deal.currency) for deal in deals_here)
                if cards
                else None,
            }
        )
    return render(
        request,
        "sales/opportunity_board.html",
        {"pipeline": pipeline, "columns": columns, "stages": list(pipeline.stages.all())},
    )


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
