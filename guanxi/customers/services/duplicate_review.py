"""The "not a duplicate" decision on a pair found by the scan.

It is remembered on the pair (a scan replaces only open pairs), audited on both records' timelines,
and taken only by someone who may edit both records: it changes what everyone's queue shows.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.core.errors import ConflictError, NotFoundError
from guanxi.customers.merge_fields import MODELS
from guanxi.customers.models import DuplicatePair, DuplicateStatus
from guanxi.customers.services import records
from guanxi.platform.services.audit import audit_record

REVIEW_VERB_LABELS = {
    "customers.contact.not_duplicate": gettext_noop("Marked as not a duplicate"),
    "customers.account.not_duplicate": gettext_noop("Marked as not a duplicate"),
    "customers.duplicates.scanned": gettext_noop("Duplicates scanned"),
}


@transaction.atomic
def duplicate_pair_dismiss(*, actor: Any, pair: DuplicatePair) -> DuplicatePair:
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    rows = MODELS[pair.entity]._default_manager.filter(deleted_at__isnull=True)
    first, second = rows.filter(pk=pair.first_id).first(), rows.filter(pk=pair.second_id).first()
    if first is None or second is None:
        raise NotFoundError(_("No such record."))
    records.require_can_edit(actor, first)
    records.require_can_edit(actor, second)
    if pair.status != DuplicateStatus.OPEN:
        raise ConflictError(_("This pair was already decided."))
    pair.status = DuplicateStatus.DISMISSED
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    verb = f"customers.{pair.entity}.not_duplicate"
    for record, other in ((first, second), (second, first)):
        audit_record(
            actor=actor,
            verb=verb,
            target=record,
            changes={"not_duplicate_of": {"before": None, "after": str(other)}},
        )
    return pair
