"""Lead scores that explain themselves.

Two halves, each shown item by item:

* **Rules** (fit and engagement): the administrator's points for what the lead says (a manager's
  title, a wanted region, came by the web form, met at the trade show).
* **Learned**: the chance that the lead converts, from the organisation's own history by naive
  Bayes per field (the approach Odoo's predictive lead scoring takes): for each field, how much
  more often converted leads had this value than lost ones, times the base rate. Each field's
  factor is shown ("× 2.4 — channel: referral"), so a rep can see why a score is high.

History: a lead counts as converted when it was converted, as lost when it was disqualified or
sat unconverted for ``STALE_DAYS``; the rest are still open and teach nothing. With fewer than
``MIN_EACH`` of either, there is no learned score (the page says so).

The calibration report (:func:`calibration`) scores each closed lead *without its own outcome*
(leave-one-out: its counts are taken out before it is scored), so the figures show how the score
does on leads it has not seen: predicted against actual conversion per decile and per channel.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from guanxi.sales.choices import LeadStatus
from guanxi.sales.models import Lead, LeadScoringRule, ScoringField

STALE_DAYS = 60
CACHE_SECONDS = 3600
MIN_EACH = 5
MIN_CHANNEL = 5
DECISION_WORDS = (
    "总",
    "经理",
    "主管",
    "总监",
    "老板",
    "director",
    "manager",
    "owner",
    "head",
    "ceo",
)
STORE_WORDS = ("店长", "store", "shop")
FEATURES = ("channel", "province", "title", "company", "email", "campaign", "message")
VALUES = (
    "id",
    "channel__code",
    "province",
    "title",
    "company",
    "emails",
    "utm_campaign",
    "message",
    "converted_at",
    "status",
    "created_at",
)


def _title_group(title: str) -> str:
    lowered = title.lower()
    if not lowered:
        return "none"
    if any(word in lowered for word in DECISION_WORDS):
        return "decision maker"
    if any(word in lowered for word in STORE_WORDS):
        return "store"
    return "other"


def features_of(row: dict[str, Any]) -> dict[str, str]:
    """What the learned score looks at, as short values (a row of ``Lead.objects.values``)."""
    return {
        "channel": row.get("channel__code") or "none",
        "province": row.get("province") or "none",
        "title": _title_group(row.get("title") or ""),
        "company": "yes" if row.get("company") else "no",
        "email": "yes" if row.get("emails") else "no",
        "campaign": "yes" if row.get("utm_campaign") else "no",
        "message": "yes" if (row.get("message") or "").strip() else "no",
    }


def outcome_of(row: dict[str, Any], now: datetime.datetime) -> bool | None:
    if row.get("converted_at"):
        return True
    if row.get("status") == LeadStatus.DISQUALIFIED:
        return False
    if row.get("created_at") and row["created_at"] < now - datetime.timedelta(days=STALE_DAYS):
        return False
    return None


@dataclass
class Model:
    """Counts per outcome and per (feature, value, outcome), and the outcome each counted lead
    was counted with (so a lead is taken out exactly as it went in)."""

    totals: Counter[bool] = field(default_factory=Counter)
    counts: dict[str, Counter[tuple[str, bool]]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    values: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    counted: dict[int, bool] = field(default_factory=dict)

    def add(self, features: dict[str, str], won: bool, sign: int = 1) -> None:
        self.totals[won] += sign
        for name, value in features.items():
            self.counts[name][(value, won)] += sign
            self.values[name][value] += sign
            if self.values[name][value] <= 0:
                del self.values[name][value]

    def without(self, lead_id: int, features: dict[str, str]) -> Model:
        """A copy that never saw this lead (itself when it was not counted)."""
        if lead_id not in self.counted:
            return self
        other = Model(
            totals=Counter(self.totals),
            counts=defaultdict(Counter, {k: Counter(v) for k, v in self.counts.items()}),
            values=defaultdict(Counter, {k: Counter(v) for k, v in self.values.items()}),
        )  # the small tables only, not the list of counted leads
        other.add(features, self.counted[lead_id], sign=-1)
        return other

    @property
    def usable(self) -> bool:
        return self.totals[True] >= MIN_EACH and self.totals[False] >= MIN_EACH

    def explain(self, features: dict[str, str]) -> tuple[float, float, list[dict[str, Any]]]:
        """(probability, base rate, the factor of each field), Laplace-smoothed."""
        won, lost = self.totals[True], self.totals[False]
        prior = (won + 1) / (won + lost + 2)
        log_odds = math.log(prior / (1 - prior))
        items = []
        for name in FEATURES:
            value = features[name]
            kinds = max(len(self.values[name]), 1) + 1
            p_won = (self.counts[name][(value, True)] + 1) / (won + kinds)
            p_lost = (self.counts[name][(value, False)] + 1) / (lost + kinds)
            factor = p_won / p_lost
            log_odds += math.log(factor)
            items.append({"field": name, "value": value, "factor": round(factor, 2)})
        probability = 1 / (1 + math.exp(-log_odds))
        return probability, prior, items


def history(org_id: int, now: datetime.datetime | None = None) -> list[tuple[dict[str, Any], bool]]:
    """Every closed lead of the organisation: (its row, converted?)."""
    now = now or timezone.now()
    rows = Lead.objects.filter(org_id=org_id, deleted_at__isnull=True).values(*VALUES)
    closed = []
    for row in rows.iterator(chunk_size=5000):
        won = outcome_of(row, now)
        if won is not None:
            closed.append((row, won))
    return closed


def train(closed: Iterable[tuple[dict[str, Any], bool]]) -> Model:
    model = Model()
    for row, won in closed:
        model.add(features_of(row), won)
        model.counted[row["id"]] = won
    return model


def trained_model(org_id: int, now: datetime.datetime | None = None) -> Model:
    """The organisation's model, counted at most once an hour: every lead page reads it, and a
    lead's outcome an hour late changes its neighbours' scores by a hair."""
    hour = (now or timezone.now()).strftime("%Y%m%d%H")
    key = f"sales:lead-model:{org_id}:{hour}"
    model = cache.get(key)
    if model is None:
        model = train(history(org_id, now))
        cache.set(key, model, CACHE_SECONDS)
    return model


def _rule_matches(rule: LeadScoringRule, row: dict[str, Any]) -> bool:
    if rule.field == ScoringField.EMAIL:
        return bool(row.get("emails"))
    raw = row.get("channel__code" if rule.field == ScoringField.CHANNEL else rule.field) or ""
    text = str(raw).lower()
    return bool(text) and (not rule.contains or rule.contains.lower() in text)


def rule_points(org_id: int, row: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    rules = LeadScoringRule.objects.filter(org_id=org_id)
    items: list[dict[str, Any]] = [
        {"label": rule.label, "kind": rule.kind, "points": rule.points}
        for rule in rules
        if _rule_matches(rule, row)
    ]
    return sum(int(item["points"]) for item in items), items


def lead_score(lead: Lead, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Both halves for one lead, each with its items."""
    row = Lead.objects.filter(pk=lead.pk).values(*VALUES).get()
    points, rules = rule_points(lead.org_id, row)
    features = features_of(row)
    # Judged as if its own outcome were unknown: taken out of the counts if it is in them.
    model = trained_model(lead.org_id, now).without(lead.pk, features)
    learned = None
    if model.usable:
        probability, prior, items = model.explain(features)
        learned = {
            "probability": round(probability, 4),
            "base_rate": round(prior, 4),
            "items": items,
            "trained_on": model.totals[True] + model.totals[False],
        }
    return {"points": points, "rules": rules, "learned": learned}


def _bins(scored: list[tuple[float, bool, str]], count: int) -> list[dict[str, Any]]:
    ordered = sorted(scored, key=lambda item: item[0])
    size = len(ordered)
    rows = []
    for index in range(count):
        part = ordered[index * size // count : (index + 1) * size // count]
        if not part:
            continue
        rows.append(
            {
                "decile": index + 1,
                "leads": len(part),
                "predicted": round(sum(p for p, _w, _c in part) / len(part), 4),
                "actual": round(sum(1 for _p, w, _c in part if w) / len(part), 4),
            }
        )
    return rows


def calibration(org_id: int, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Predicted against actual conversion of the closed leads, each scored leave-one-out;
    counted at most once an hour. Channels with fewer than ``MIN_CHANNEL`` closed leads are
    reported together as ``other``, so no row gives away a handful of leads' outcomes."""
    hour = (now or timezone.now()).strftime("%Y%m%d%H")
    key = f"sales:lead-calibration:{org_id}:{hour}"
    report = cache.get(key)
    if report is None:
        report = _calibration(org_id, now)
        cache.set(key, report, CACHE_SECONDS)
    return report  # type: ignore[no-any-return]


def _calibration(org_id: int, now: datetime.datetime | None) -> dict[str, Any]:
    closed = history(org_id, now)
    model = train(closed)
    if not model.usable:
        return {"usable": False, "leads": len(closed), "deciles": [], "channels": [], "brier": None}
    scored = []
    for row, won in closed:
        features = features_of(row)
        model.add(features, won, sign=-1)
        usable = model.usable
        probability, _prior, _items = model.explain(features)
        model.add(features, won)
        if usable:
            scored.append((probability, won, features["channel"]))
    sizes = Counter(item[2] for item in scored)
    by_channel: dict[str, list[tuple[float, bool, str]]] = defaultdict(list)
    for item in scored:
        by_channel[item[2] if sizes[item[2]] >= MIN_CHANNEL else "other"].append(item)
    channels = [
        {
            "channel": name,
            "leads": len(items),
            "predicted": round(sum(p for p, _w, _c in items) / len(items), 4),
            "actual": round(sum(1 for _p, w, _c in items if w) / len(items), 4),
        }
        for name, items in sorted(by_channel.items())
    ]
    brier = sum((p - (1 if w else 0)) ** 2 for p, w, _c in scored) / len(scored)
    return {
        "usable": True,
        "leads": len(scored),
        "deciles": _bins(scored, 10),
        "channels": channels,
        "brier": round(brier, 4),
    }
