"""Setting monthly sales targets: a manager for the reps and teams they manage, an administrator
for anyone. Setting a target again for the same month replaces it (audited with both values)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.platform.models import Team, User
from guanxi.platform.records import require_permission
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import managed_team_ids
from guanxi.sales.models import SalesTarget
from guanxi.sales.permissions import SalesPermission
from guanxi.sales.services.opportunities import clean_amount

_error = ServiceValidationError.for_field


@transaction.atomic
def target_set(
    *,
    actor: Any,
    month: datetime.date,
    amount: Decimal | str,
    user: User | None = None,
    team: Team | None = None,
) -> SalesTarget:
    require_permission(actor, SalesPermission.SET_TARGETS)
    if (user is None) == (team is None):
        raise _error("user", _("A target is for one rep or one team."))
    subject_team = team.pk if team else (user.team_id if user else None)
    if (user or team).org_id != actor.org_id:  # type: ignore[union-attr]
        raise _error("user", _("No such user or team."))
    if not actor.is_administrator and subject_team not in managed_team_ids(actor):
        raise PermissionDeniedError(_("You may set targets only for the teams you manage."))
    month = month.replace(day=1)
    value = clean_amount(amount)
    row = (
        SalesTarget.objects.select_for_update()
        .filter(org_id=actor.org_id, user=user, team=team, month=month)
        .first()
    )
    before = str(row.amount) if row else None
    if row is None:
        try:
            with transaction.atomic():  # a colleague may set the same month at the same moment
                row = SalesTarget.objects.create(
                    org_id=actor.org_id, user=user, team=team, month=month, amount=value
                )
        except IntegrityError:
            row = SalesTarget.objects.select_for_update().get(
                org_id=actor.org_id, user=user, team=team, month=month
            )
            before = str(row.amount)
            row.amount = value
            row.save(update_fields=["amount", "updated_at"])
    else:
        row.amount = value
        row.save(update_fields=["amount", "updated_at"])
    audit_record(
        actor=actor,
        verb="sales.target.set",
        target=row,
        changes={
            "month": {"before": None, "after": month.isoformat()[:7]},
            "for": {"before": None, "after": user.username if user else team.name},  # type: ignore[union-attr]
            "amount": {"before": before, "after": str(value)},
        },
    )
    return row
