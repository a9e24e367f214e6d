"""What sales lets roles do; asked by services (to refuse) and pages (to hide what cannot be
used)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.platform.roles import EVERYONE, PermissionSpec, Role, register_permissions

SELLERS = frozenset({Role.MANAGER, Role.SALES_REP})


class SalesPermission(models.TextChoices):
    VIEW_SALES = "sales.view", _("View leads and opportunities")
    ADD_LEADS = "sales.add_leads", _("Add leads")
    CHANGE_LEADS = "sales.change_leads", _("Work on leads")
    CONVERT_LEADS = "sales.convert_leads", _("Convert leads to customers")
    CHANGE_OPPORTUNITIES = "sales.change_opportunities", _("Add and move opportunities")
    MANAGE_LEAD_FORMS = "sales.manage_lead_forms", _("Define web-to-lead forms")
    RECORD_COMMITMENTS = "sales.record_commitments", _("Record and close commitments")
    MANAGE_POOLS = "sales.manage_pools", _("Set up customer pools")
    APPROVE_DISCOUNTS = "sales.approve_discounts", _("Approve discounts beyond a rep's limit")
    SET_TARGETS = "sales.set_targets", _("Set monthly sales targets")
    VIEW_SCORE_REPORTS = "sales.view_score_reports", _("See how well lead scores predict")
    MANAGE_ASSIGNMENT = "sales.manage_assignment", _("Set the rules that assign and score leads")


_HOLDERS = {
    SalesPermission.VIEW_SALES: EVERYONE,
    # Marketing brings leads in too (campaigns, events); working them is for those who sell.
    SalesPermission.ADD_LEADS: SELLERS | {Role.MARKETER},
    SalesPermission.CHANGE_LEADS: SELLERS,
    SalesPermission.CONVERT_LEADS: SELLERS,
    SalesPermission.CHANGE_OPPORTUNITIES: SELLERS,
    SalesPermission.MANAGE_LEAD_FORMS: frozenset(),  # administrators only
    # Service promises a call-back as often as sales promises a price.
    SalesPermission.RECORD_COMMITMENTS: SELLERS | {Role.SERVICE_AGENT},
    SalesPermission.MANAGE_POOLS: frozenset(),  # administrators only
    SalesPermission.APPROVE_DISCOUNTS: frozenset({Role.MANAGER}),
    SalesPermission.MANAGE_ASSIGNMENT: frozenset(),  # administrators only
    SalesPermission.SET_TARGETS: frozenset({Role.MANAGER}),
    # Organisation-wide conversion by channel: for those who steer sales, not every reader.
    SalesPermission.VIEW_SCORE_REPORTS: frozenset({Role.MANAGER}),
}


def register() -> None:
    register_permissions(
        PermissionSpec(permission, permission.label, roles)
        for permission, roles in _HOLDERS.items()
    )
