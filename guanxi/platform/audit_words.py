"""The platform's own audit verbs and change fields in words (users, teams, tokens, sharing,
handover, invitations, notifications), registered from ``PlatformConfig.ready()``.

Kept apart from the services so that naming a verb never means editing the code that writes it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, gettext_noop

from guanxi.platform.changes import register_change_words
from guanxi.platform.services.sharing import SHARING_VERB_LABELS
from guanxi.platform.verbs import register_verb_labels

VERB_LABELS = {
    "platform.team.created": gettext_noop("Team created"),
    "platform.team.updated": gettext_noop("Team changed"),
    "platform.user.created": gettext_noop("User created"),
    "platform.user.updated": gettext_noop("User changed"),
    "platform.user.deactivated": gettext_noop("User deactivated"),
    "platform.user.reactivated": gettext_noop("User reactivated"),
    "platform.user.language_changed": gettext_noop("Language changed"),
    "platform.user.invited": gettext_noop("User invited"),
    "platform.user.invitation_accepted": gettext_noop("Invitation accepted"),
    "platform.api_token.created": gettext_noop("API token created"),
    "platform.api_token.revoked": gettext_noop("API token revoked"),
    "platform.handover.completed": gettext_noop("Customers handed over"),
    "platform.import.started": gettext_noop("Import started"),
    "platform.import.finished": gettext_noop("Import finished"),
    "platform.import.failed": gettext_noop("Import failed"),
    "platform.import.cancelled": gettext_noop("Import cancelled"),
    "platform.import.resumed": gettext_noop("Import resumed"),
    "platform.import.undone": gettext_noop("Import undone"),
    "platform.mapping_template.created": gettext_noop("Import mapping saved"),
    "platform.mapping_template.replaced": gettext_noop("Import mapping replaced"),
    "notifications.preferences.changed": gettext_noop("Notification settings changed"),
    "notifications.group_bot.created": gettext_noop("Group bot added"),
    "notifications.group_bot.deleted": gettext_noop("Group bot removed"),
}


def register() -> None:
    register_verb_labels(VERB_LABELS)
    register_verb_labels(SHARING_VERB_LABELS)
    register_change_words(
        "platform.team",
        labels={"members": gettext_lazy("members")},
        user_fields={"members"},
    )
    register_change_words(
        "platform.recordcollaborator",
        labels={"colleague": gettext_lazy("colleague")},
        user_fields={"colleague"},
    )
    register_change_words(
        "platform.user",
        labels={"to_users": gettext_lazy("handed over to")},
        user_fields={"to_users"},
    )
