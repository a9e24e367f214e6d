"""Per-customer scores, written by analytics and read by every module.

Lists, filters, the API, the 360 page and later modules (marketing segments, loyalty offers) read
this table instead of importing analytics: the scores are the contract between them. One row per
contact, replaced as a whole by each successful refresh.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.customers.choices import GridCell, RfmSegment, ValueQuadrant


class CustomerScore(models.Model):
    contact = models.OneToOneField(
        "customers.Contact", on_delete=models.CASCADE, primary_key=True, related_name="score"
    )
    org = models.ForeignKey("platform.Organization", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("analysis date"))
    refreshed_at = models.DateTimeField(_("refreshed at"))
    # What already happened, up to the analysis date.
    first_purchase_on = models.DateField(_("first purchase"), null=True)
    last_purchase_on = models.DateField(_("last purchase"), null=True)
    purchase_days = models.PositiveIntegerField(_("purchase days"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    historical_value = models.DecimalField(
        _("historical value"), max_digits=16, decimal_places=2, default=0
    )
    current_value = models.DecimalField(
        _("current value"), max_digits=16, decimal_places=2, default=0
    )
    average_order_value = models.DecimalField(
        _("average order value"), max_digits=16, decimal_places=2, default=0
    )
    # RFM.
    recency_days = models.PositiveIntegerField(_("days since last purchase"), null=True)
    rfm_recency = models.PositiveSmallIntegerField(_("R score"), null=True)
    rfm_frequency = models.PositiveSmallIntegerField(_("F score"), null=True)
    rfm_monetary = models.PositiveSmallIntegerField(_("M score"), null=True)
    rfm_segment = models.CharField(
        _("RFM segment"), max_length=20, choices=RfmSegment.choices, blank=True, db_index=True
    )
    # Lifetime value (BG/NBD + Gamma-Gamma).
    p_alive = models.FloatField(_("probability still active"), null=True)
    expected_purchases = models.FloatField(_("expected purchases"), null=True)
    expected_spend = models.DecimalField(
        _("expected spend per purchase"), max_digits=16, decimal_places=2, null=True
    )
    clv = models.DecimalField(_("lifetime value"), max_digits=16, decimal_places=2, null=True)
    potential_value = models.DecimalField(
        _("potential value"), max_digits=16, decimal_places=2, null=True
    )
    value_quadrant = models.CharField(
        _("value group"), max_length=12, choices=ValueQuadrant.choices, blank=True, db_index=True
    )
    grid_cell = models.CharField(_("order value × frequency"), max_length=1, choices=GridCell)
    previous_grid_cell = models.CharField(
        _("previous order value × frequency"), max_length=1, choices=GridCell, blank=True
    )
    previous_p_alive = models.FloatField(_("previous probability still active"), null=True)
    churn_risk = models.FloatField(_("churn risk"), default=0, db_index=True)
    churn_reasons = models.JSONField(_("churn reasons"), default=list, blank=True)

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        indexes = [
            models.Index(fields=["org", "-churn_risk"], name="customers_score_churn_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.rfm_segment or self.grid_cell}"
