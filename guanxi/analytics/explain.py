"""Scores in plain words, for the 360 page, follow-up tasks and the churn list."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.customers.models import CustomerScore

QUADRANT_STRATEGY = {
    "strategic": gettext_lazy(
        "High value now and high potential: build a close alliance with this customer."
    ),
    "profitable": gettext_lazy(
        "High value now but little more to expect: keep the relationship stable."
    ),
    "risk": gettext_lazy(
        "Low value now but high potential: worth developing, with care over the cost."
    ),
    "ordinary": gettext_lazy("Low value now and little potential: maintain at low cost."),
}
GRID_ADVICE = {
    "A": gettext_lazy("Has never bought: the first order is the goal."),
    "B": gettext_lazy("Small orders, rarely: encourage larger and more frequent purchases."),
    "C": gettext_lazy("Large orders, rarely: give reasons to come back more often."),
    "D": gettext_lazy("Small orders, often: offer more with each visit."),
    "E": gettext_lazy("Large orders, often: a key customer to look after."),
}


def reason_text(reason: dict[str, Any]) -> str:
    code = reason.get("code")
    if code == "p_alive_low":
        return _("Only a %(percent)s%% chance that this customer is still buying from us.") % {
            "percent": round(100 * float(reason["p_alive"]))
        }
    if code == "p_alive_dropped":
        return _(
            "The chance that this customer still buys fell from %(before)s%% to %(now)s%%."
        ) % {
            "before": round(100 * float(reason["before"])),
            "now": round(100 * float(reason["p_alive"])),
        }
    if code == "overdue":
        return _(
            "No purchase for %(days)s days, while this customer usually buys every %(usual)s days."
        ) % {"days": reason["days"], "usual": round(float(reason["usual_days"]))}
    if code == "open_complaints":
        return _("%(count)s open complaint(s).") % {"count": reason.get("count", 1)}
    if code == "low_satisfaction":
        return _("Low satisfaction in the latest survey (%(score)s).") % {
            "score": reason.get("score", "?")
        }
    return str(reason.get("text") or code)


def fit_message_text(message: dict[str, Any] | str) -> str:
    """Why a model was not used, in the user's language (``ModelFitError.as_dict()``)."""
    if isinstance(message, str):
        return message
    code, count, needed = message.get("code"), message.get("count"), message.get("needed")
    if code == "too_few_buyers":
        return _(
            "Only %(count)s customers have purchases; lifetime value needs at least %(needed)s."
        ) % {"count": count, "needed": needed}
    if code == "too_few_repeat_buyers":
        return _(
            "Only %(count)s customers bought more than once; the purchase model needs at least "
            "%(needed)s repeat buyers to learn how often people come back."
        ) % {"count": count, "needed": needed}
    if code == "too_few_paid_repeaters":
        return _(
            "Only %(count)s customers have paid repeat purchases; the spend model needs at "
            "least %(needed)s."
        ) % {"count": count, "needed": needed}
    if code == "all_new":
        return _("Every customer bought for the first time on the analysis date.")
    if code == "purchase_model_unstable":
        return _(
            "The purchase model did not settle on sensible values for these customers (too few "
            "or too uniform purchases); scores based on it are not shown."
        )
    if code == "spend_model_unstable":
        return _(
            "The spend model did not settle on sensible values (spend per purchase varies too "
            "little or too wildly between customers); lifetime value is not shown."
        )
    return str(message.get("text", code))


def score_explanation(score: CustomerScore) -> list[str]:
    """A few sentences a salesperson can read aloud."""
    if score.purchase_days == 0:
        return [str(GRID_ADVICE["A"])]
    lines = [
        _(
            "Bought on %(days)s day(s), %(orders)s order(s) in all, for %(value)s; last purchase "
            "%(recency)s days before %(as_of)s."
        )
        % {
            "days": score.purchase_days,
            "orders": score.orders,
            "value": score.historical_value,
            "recency": score.recency_days,
            "as_of": score.as_of.isoformat(),
        }
    ]
    if score.rfm_segment:
        lines.append(
            _("RFM %(r)s-%(f)s-%(m)s (5 is best): %(segment)s.")
            % {
                "r": score.rfm_recency,
                "f": score.rfm_frequency,
                "m": score.rfm_monetary,
                "segment": score.get_rfm_segment_display(),
            }
        )
    if score.p_alive is not None and score.expected_purchases is not None:
        lines.append(
            _(
                "%(percent)s%% likely to still be a customer; expected to buy %(count)s time(s) "
                "in the next 12 months."
            )
            % {
                "percent": round(100 * score.p_alive),
                "count": f"{score.expected_purchases:.1f}",
            }
        )
    if score.clv is not None:
        lines.append(
            _(
                "Potential value (predicted purchases to come, discounted) %(potential)s; "
                "lifetime value (current + potential) %(clv)s."
            )
            % {"clv": score.clv, "potential": score.potential_value}
        )
    if score.value_quadrant:
        lines.append(str(QUADRANT_STRATEGY[score.value_quadrant]))
    lines.append(str(GRID_ADVICE[score.grid_cell]))
    lines.extend(reason_text(reason) for reason in score.churn_reasons)
    return lines
