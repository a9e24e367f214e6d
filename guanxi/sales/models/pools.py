"""Customer pools (公海): where unattended leads go back, for any rep of the member teams to claim.

Customers (contacts and accounts) go back too, under the pool's rules (``PoolRule``); their side
is in ``pool_customers``.

A lead in a pool keeps its last owner as ``owner`` (the record needs one, and the history says
who let it go) but belongs to nobody: ``Lead.pool`` is set, its phone numbers are masked until
someone claims it, and the last owner may not claim it back for ``reclaim_after_days``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class Pool(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=60)
    teams = models.ManyToManyField(
        "platform.Team", blank=True, related_name="+", verbose_name=_("member teams")
    )
    return_after_days = models.PositiveIntegerField(
        _("return after days without a follow-up"), default=15
    )
    warn_days_before = models.PositiveIntegerField(_("warn days before"), default=3)
    daily_claim_cap = models.PositiveIntegerField(_("claims per rep per day"), default=20)
    owned_cap = models.PositiveIntegerField(_("open leads a rep may own"), default=200)
    reclaim_after_days = models.PositiveIntegerField(
        _("days before the last owner may claim again"), default=7
    )
    lock_quota = models.PositiveIntegerField(_("locked leads and customers per rep"), default=5)
    is_default = models.BooleanField(_("default"), default=False)
    customer_cap = models.PositiveIntegerField(_("customers a rep may own"), default=1000)
    exempt_open_opportunity = models.BooleanField(
        _("customers with an open opportunity never return"), default=True
    )
    exempt_won_deal = models.BooleanField(
        _("customers who ever bought never return"), default=False
    )

    class Meta:
        verbose_name = _("pool")
        verbose_name_plural = _("pools")

    def __str__(self) -> str:
        return self.name


class PoolClaim(models.Model):
    """One claim of a lead or a customer, for the daily cap, the pool's clock of a customer and
    the story of who took what from the pool."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="claims")
    lead = models.ForeignKey(
        "sales.Lead", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        "customers.Account", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["user", "claimed_at"], name="sales_claim_user_idx"),
            models.Index(fields=["contact", "claimed_at"], name="sales_claim_contact_idx"),
            models.Index(fields=["account", "claimed_at"], name="sales_claim_account_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.lead_id}"
