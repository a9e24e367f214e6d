"""Pieces shared by accounts and contacts: owner and visibility, address, soft delete, tags."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OrganizationScopedModel, VersionedModel
from guanxi.platform.models.owned import OwnedModel


class Tag(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="customers_tag_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CustomerRecord(OrganizationScopedModel, VersionedModel, OwnedModel):
    """An owned, versioned, soft-deletable customer record with an address.

    ``pooled_at`` is set while the customer waits in a sales pool (公海) for a rep to claim it:
    the record is then withheld from everyone but administrators (``platform.visibility``),
    its last owner included, and only the pool's own masked list shows it.
    """

    withheld_while = "pooled_at"

    province = models.CharField(_("province"), max_length=40, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True, db_default="")
    # Values of the organisation's custom fields, keyed by field key (see ``CustomField``).
    custom = models.JSONField(_("custom fields"), default=dict, db_default={}, blank=True)
    description = models.TextField(_("description"), blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    pooled_at = models.DateTimeField(_("in the pool since"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def address(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district, self.street) if p)
