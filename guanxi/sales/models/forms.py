"""Web-to-lead forms: a public page and endpoint where visitors leave their details as a lead."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel


class LeadForm(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=100)
    # The public address: /f/<slug>/ and /api/v1/public/lead-forms/<slug>/submissions.
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    channel = models.ForeignKey(
        "sales.Channel", on_delete=models.PROTECT, related_name="+", verbose_name=_("channel")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner of new leads"),
    )
    # Which optional fields the public page asks for (name is always asked).
    ask_company = models.BooleanField(_("ask for the company"), default=True)
    ask_message = models.BooleanField(_("ask for a message"), default=True)
    thank_you = models.CharField(_("confirmation"), max_length=300, blank=True)
    response_hours = models.PositiveIntegerField(_("answer within (hours)"), default=24)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lead form")
        verbose_name_plural = _("lead forms")

    def __str__(self) -> str:
        return self.name


class LeadFormSubmission(models.Model):
    """Every submission, kept for the per-address rate limit and to show a form's yield."""

    form = models.ForeignKey(LeadForm, on_delete=models.CASCADE, related_name="submissions")
    address = models.GenericIPAddressField(null=True, blank=True)
    submitted_at = models.DateTimeField(db_index=True)
    lead = models.ForeignKey(
        "sales.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "created", or "trap" when the hidden field was filled (kept, but no lead is made).
    outcome = models.CharField(max_length=10)

    class Meta:
        indexes = [
            models.Index(fields=["address", "submitted_at"], name="sales_submission_address_idx")
        ]

    def __str__(self) -> str:
        return f"{self.form_id} {self.submitted_at:%Y-%m-%d %H:%M}"
