"""Pipelines, their stages, and the deals that move through them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel, VersionedModel
from guanxi.platform.models.owned import OwnedModel
from guanxi.sales.choices import DealRole, ForecastCategory, StageOutcome


class Pipeline(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=60)
    is_default = models.BooleanField(_("default"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveIntegerField(default=0)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=4, choices=StageOutcome.choices, default=StageOutcome.OPEN
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Opportunity(OrganizationScopedModel, VersionedModel, OwnedModel):
    name = models.CharField(_("name"), max_length=200)
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=Decimal(0))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=10,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    account = models.ForeignKey(
        "customers.Account", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Why it was won or lost, and to whom (a lost deal's competitor), for the win/loss analysis.
    close_reason = models.CharField(_("reason won or lost"), max_length=200, blank=True)
    competitor = models.CharField(_("competitor"), max_length=100, blank=True)
    stage_entered_at = models.DateTimeField(_("in this stage since"), null=True, blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["org", "pipeline", "stage"], name="sales_opportunity_stage_idx")
        ]

    def __str__(self) -> str:
        return self.name


class DealContact(models.Model):
    """A person on a deal and the part they play in the decision."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="deal_contacts"
    )
    contact = models.ForeignKey("customers.Contact", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=DealRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "contact"], name="sales_dealcontact_unique_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.role}"


class StageChange(models.Model):
    """Every move of a deal, so time in each stage can be reported."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    seconds_in_previous = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [
            # The forecast's win rate per stage follows each closed deal to the stages it reached.
            models.Index(fields=["opportunity", "to_stage"], name="sales_stagechange_reached_idx")
        ]

    def __str__(self) -> str:
        return f"{self.from_stage_id} → {self.to_stage_id}"
