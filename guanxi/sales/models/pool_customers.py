"""Customers in the pool: the rules that send them back, who is waiting there, and the locks.

A customer (contact or account) returns to its owner's pool when, for one of the pool's rules,
it has had no follow-up, no new opportunity or no deal within the rule's days. A rule may be
for one customer level (the value grid cell A–E from analytics) and then replaces the pool's
rule of the same kind for every level. The customers' own row says the customer is pooled
(``pooled_at``, which withholds it); ``PooledCustomer`` says from which pool and who let it go.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.customers.choices import GridCell
from guanxi.sales.choices import PoolRuleKind
from guanxi.sales.models.pools import Pool

ONE_CUSTOMER = Q(contact__isnull=False, account__isnull=True) | Q(
    contact__isnull=True, account__isnull=False
)


class PoolRule(models.Model):
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("without"), max_length=12, choices=PoolRuleKind.choices)
    level = models.CharField(
        _("customer level"), max_length=1, choices=GridCell.choices, blank=True, default=""
    )
    days = models.PositiveIntegerField(_("days"))
    # A new rule counts from the day it was set, so it never empties every rep's book at once.
    created_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("pool rule")
        verbose_name_plural = _("pool rules")
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "kind", "level"], name="sales_poolrule_one_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.level or '*'}: {self.days}"


class PooledCustomer(models.Model):
    """A customer waiting in a pool (deleted when someone claims it)."""

    org = models.ForeignKey("platform.Organization", on_delete=models.CASCADE, related_name="+")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="customers")
    contact = models.OneToOneField(
        "customers.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account = models.OneToOneField(
        "customers.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pooled_at = models.DateTimeField(_("in the pool since"))
    released = models.BooleanField(_("given back by its owner"), default=False)

    class Meta:
        verbose_name = _("customer in the pool")
        verbose_name_plural = _("customers in the pool")
        constraints = [models.CheckConstraint(condition=ONE_CUSTOMER, name="sales_pooled_one")]
        indexes = [models.Index(fields=["pool", "-pooled_at"], name="sales_pooled_pool_idx")]

    def __str__(self) -> str:
        return f"{self.pool_id}: {self.contact_id or self.account_id}"

    @property
    def customer(self) -> models.Model:
        return self.contact or self.account  # type: ignore[return-value]


class CustomerLock(models.Model):
    """A key customer its owner keeps out of the pool (within the pool's lock quota). A lock
    holds only while the customer has the owner who set it: a handover or claim ends it."""

    org = models.ForeignKey("platform.Organization", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contact = models.OneToOneField(
        "customers.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    account = models.OneToOneField(
        "customers.Account", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"))

    class Meta:
        verbose_name = _("locked customer")
        verbose_name_plural = _("locked customers")
        constraints = [models.CheckConstraint(condition=ONE_CUSTOMER, name="sales_lock_one")]

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.contact_id or self.account_id}"
