"""Assignment rules: set them up, and pick the owner of a lead that arrives without one."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.regions import normalize_region, province_name
from guanxi.platform.models import Team, User
from guanxi.platform.records import require_permission
from guanxi.platform.services.audit import audit_record
from guanxi.sales.choices import LeadStatus
from guanxi.sales.models import AssignmentRule, Lead
from guanxi.sales.permissions import SalesPermission

_error = ServiceValidationError.for_field
OPEN = (LeadStatus.NEW, LeadStatus.WORKING)


@transaction.atomic
def assignment_rule_create(
    *, actor: Any, name: str, team: Team, province: str = "", open_lead_cap: int = 0
) -> AssignmentRule:
    require_permission(actor, SalesPermission.MANAGE_ASSIGNMENT)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 100:
        raise _error("name", _("A rule needs a name of at most 100 characters."))
    if team.org_id != actor.org_id:
        raise _error("team", _("No such team."))
    if not 0 <= open_lead_cap <= 100_000:
        raise _error("open_lead_cap", _("A whole number from 0 (no cap) to 100000."))
    province = normalize_region(province.strip(), "", "")[0] if province.strip() else ""
    last = AssignmentRule.objects.filter(org_id=actor.org_id).order_by("-position").first()
    rule = AssignmentRule.objects.create(
        org_id=actor.org_id,
        name=name,
        team=team,
        province=province,
        open_lead_cap=open_lead_cap,
        position=(last.position + 1) if last else 0,
    )
    audit_record(
        actor=actor,
        verb="sales.assignment_rule.created",
        target=rule,
        changes={
            "team": {"before": None, "after": team.name},
            "province": {"before": None, "after": province},
            "open_lead_cap": {"before": None, "after": open_lead_cap},
        },
    )
    return rule


def _members(rule: AssignmentRule) -> list[User]:
    people = User.objects.filter(team_id=rule.team_id, is_active=True).order_by("pk")
    return [p for p in people if p.has_role_permission(SalesPermission.CHANGE_LEADS)]


def _open_counts(org_id: int, people: list[User]) -> dict[int, int]:
    rows = (
        Lead.objects.filter(
            org_id=org_id,
            owner_id__in=[p.pk for p in people],
            status__in=OPEN,
            pool__isnull=True,
            deleted_at__isnull=True,
        )
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


@transaction.atomic
def owner_by_rules(
    org_id: int,
    province: str = "",
    *,
    pending: Counter[int] | None = None,
    turns: dict[int, int] | None = None,
) -> User | None:
    """The next rep in turn under the first rule for this region that has anyone under its cap;
    ``None`` when no rule applies (the caller keeps its own default). The rule row is locked, so
    two leads arriving together go to two reps, not the same one twice.

    A batch (an import chunk) passes ``pending``, the leads it has given each rep but not yet
    written, so the caps count them; a dry run passes ``turns`` (rule → last rep) to keep the
    round in memory and write nothing.
    """
    province = province_name(province.strip()) if province.strip() else ""
    applies = Q(province="") | Q(province=province) if province else Q(province="")
    rules = AssignmentRule.objects.filter(applies, org_id=org_id, active=True)
    if turns is None:
        rules = rules.select_for_update()
    # The rules for the lead's own region first, then those for every region.
    for rule in sorted(rules, key=lambda r: (r.province == "", r.position, r.pk)):
        people = _members(rule)
        if not people:
            continue
        held = _open_counts(org_id, people) if rule.open_lead_cap else {}
        last = turns.get(rule.pk, rule.last_owner_id) if turns is not None else rule.last_owner_id
        start = next((i + 1 for i, p in enumerate(people) if p.pk == last), 0)
        for person in people[start:] + people[:start]:
            taken = held.get(person.pk, 0) + (pending or Counter())[person.pk]
            if rule.open_lead_cap and taken >= rule.open_lead_cap:
                continue
            if pending is not None:
                pending[person.pk] += 1
            if turns is not None:
                turns[rule.pk] = person.pk
            else:
                rule.last_owner = person
                rule.save(update_fields=["last_owner", "updated_at"])
            return person
    return None
