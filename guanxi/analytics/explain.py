"""Scores in plain words, for the 360 page, follow-up tasks and the churn list."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.customers.models import CustomerScore

# The value group's names as analytics shows them. The stored key "risk" stays (scores already
# written keep their meaning); its name is "Developing" / 待发展客户, because "风险客户" read as
# "customers at risk of leaving" to shop owners (docs/analytics.md, "Value matrix").
QUADRANT_LABELS = {
    "strategic": gettext_lazy("Strategic"),
    "profitable": gettext_lazy("Profitable"),
    "risk": gettext_lazy("Developing"),
    "ordinary": gettext_lazy("Ordinary"),
}
# Segments that praise a customer's buying; a churn warning beside them needs a word of why.
LOYAL_SEGMENTS = frozenset({"champions", "loyal"})
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
    if code == "broken_promises":
        return _("%(count)s promise(s) to this customer broken in the last 90 days.") % {
            "count": reason.get("count", 1)
        }
    return str(reason.get("text") or code)


def quadrant_label(key: str) -> str:
    return str(QUADRANT_LABELS.get(key, key))


def _usual_days(score: CustomerScore) -> float | None:
    """The customer's own rhythm: days between purchase days, as the churn check measured it."""
    for reason in score.churn_reasons:
        if reason.get("code") == "overdue" and reason.get("usual_days"):
            return float(reason["usual_days"])
    first, last = score.first_purchase_on, score.last_purchase_on
    if score.purchase_days >= 2 and first and last:
        return (last - first).days / (score.purchase_days - 1)
    return None


def contradiction_text(score: CustomerScore) -> str | None:
    """Why a customer the RFM segment calls loyal still carries a churn warning, in plain words.

    The two measure different things: the segment ranks the customer against the other
    customers (recency and frequency scores), the churn risk compares the customer with their
    own habit. A customer who used to buy every week and has been silent for two months still
    ranks high against customers who buy twice a year, yet is very likely to have stopped.
    """
    if score.rfm_segment not in LOYAL_SEGMENTS or not score.churn_reasons:
        return None
    usual = _usual_days(score)
    values = {
        "segment": score.get_rfm_segment_display(),
        "days": score.recency_days,
        "usual": None if usual is None else round(usual),
        "percent": None if score.p_alive is None else round(100 * score.p_alive),
    }
    overdue = usual is not None and (score.recency_days or 0) > usual
    if overdue and score.p_alive is not None:
        text = _(
            "Why “%(segment)s” and a churn warning at once: the segment ranks this customer "
            "against the others, most of whom buy less often; the warning compares them with "
            "their own habit. They usually buy every %(usual)s days but have not bought for "
            "%(days)s days, so the chance that they still buy from us is put at %(percent)s%%. "
            "Call them soon."
        )
    elif overdue:
        text = _(
            "Why “%(segment)s” and a churn warning at once: the segment ranks this customer "
            "against the others, most of whom buy less often; the warning compares them with "
            "their own habit. They usually buy every %(usual)s days but have not bought for "
            "%(days)s days. Call them soon."
        )
    else:
        text = _(
            "Why “%(segment)s” and a churn warning at once: the segment ranks this customer "
            "against the others; the warning comes from the reasons listed with it. Call them soon."
        )
    return text % values


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
    contradiction = contradiction_text(score)
    if contradiction:
        lines.append(contradiction)
    return lines
