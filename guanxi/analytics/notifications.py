"""Telling the person who recomputed customer scores that it is done (or failed).

The nightly refresh has no starter: a success tells nobody (it is routine), a failure tells the
organisation's administrators, since yesterday's scores stay on every dashboard until fixed.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from guanxi.analytics.models import ScoreRefresh
from guanxi.platform.models import User
from guanxi.platform.notifications.kinds import Channel, NotificationKind, channels, register_kind
from guanxi.platform.notifications.services.notify import notify
from guanxi.platform.roles import Role

REFRESH_FINISHED = "analytics.refresh_finished"


def register() -> None:
    register_kind(
        NotificationKind(
            key=REFRESH_FINISHED,
            label=_("Recomputing customer scores has finished"),
            default_channels=channels(Channel.IN_APP),
        )
    )


def notify_refresh_finished(refresh: ScoreRefresh, *, failed: bool = False) -> None:
    if refresh.actor_id:
        recipients = [refresh.actor]
    elif failed:
        recipients = list(User.objects.filter(org_id=refresh.org_id, role=Role.ADMINISTRATOR))
    else:
        return
    notify(
        kind=REFRESH_FINISHED,
        recipients=recipients,
        actor=None,  # the starter is the one to tell, so nobody counts as having done it
        title=gettext_noop("Recomputing customer scores failed")
        if failed
        else gettext_noop("Customer scores recomputed: %(customers)s customers"),
        body=gettext_noop("As of %(as_of)s."),
        params={"customers": refresh.customers, "as_of": refresh.as_of.isoformat()},
        url=reverse("analytics"),
        subject_type="analytics.scorerefresh",
        subject_id=refresh.pk,
    )
