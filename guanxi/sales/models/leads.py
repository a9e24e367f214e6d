"""Leads: people who may buy, before they are customers, and the channels they come from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel, VersionedModel
from guanxi.customers.models.search import SearchTokenBase
from guanxi.platform.models.owned import OwnedModel
from guanxi.sales.choices import LeadStatus


class Channel(OrganizationScopedModel):
    """Where leads come from (web form, trade show, ...): data, so a shop can add its own."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(fields=["org", "code"], name="sales_channel_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class Lead(OrganizationScopedModel, VersionedModel, OwnedModel):
    name = models.CharField(_("name"), max_length=100)
    sort_key = models.CharField(max_length=200, blank=True, db_index=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    # E.164 numbers and lower-case addresses, cleaned as a contact's are; searchable by key.
    phones = models.JSONField(_("phones"), default=list, blank=True)
    emails = models.JSONField(_("e-mails"), default=list, blank=True)
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="leads"
    )
    utm_source = models.CharField("utm_source", max_length=100, blank=True)
    utm_medium = models.CharField("utm_medium", max_length=100, blank=True)
    utm_campaign = models.CharField("utm_campaign", max_length=100, blank=True)
    utm_term = models.CharField("utm_term", max_length=100, blank=True)
    utm_content = models.CharField("utm_content", max_length=100, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    disqualified_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # The customer who wrote a month ago and heard nothing: when the owner must have answered.
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        "customers.Account", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # The pool: set while the lead waits there (owned by nobody; ``owner`` is who let it go).
    pool = models.ForeignKey(
        "sales.Pool", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    pooled_at = models.DateTimeField(_("in the pool since"), null=True, blank=True)
    # The last time its owner worked on it (created, claimed, updated): the pool's clock.
    followed_up_at = models.DateTimeField(_("last follow-up"), null=True, blank=True)
    locked = models.BooleanField(_("locked (never returns to the pool)"), default=False)
    opportunity = models.ForeignKey(
        "sales.Opportunity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["org", "status", "owner"], name="sales_lead_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class LeadSearchToken(SearchTokenBase):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = [models.Index(fields=["token", "id"], name="sales_lead_token_idx")]
