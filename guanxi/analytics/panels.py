"""The "Customer value" panel on a contact's 360 page: scores with an explanation in words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from guanxi.analytics.explain import quadrant_label, score_explanation
from guanxi.customers.models import CustomerScore
from guanxi.customers.panels import Panel


def score_context(user: Any, contact: Any) -> dict[str, Any]:
    """The 360 page only shows contacts the user can see, so their score may be shown too."""
    score = CustomerScore.objects.filter(contact=contact).first()
    if score is None:
        return {"score": None}
    return {
        "score": score,
        "explanation": score_explanation(score),
        "value_group": quadrant_label(score.value_quadrant),
    }


SCORE_PANEL = Panel(
    key="customer-value",
    title=_("Customer value"),
    template="analytics/score_panel.html",
    context=score_context,
    order=20,
    applies_to=frozenset({"contact"}),
)
