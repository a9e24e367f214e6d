"""Setting up group bots: administrators only, since a bot posts into a shared chat group."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.platform.models import Team
from guanxi.platform.notifications.bots import validate_webhook_url
from guanxi.platform.notifications.models import BotService, GroupBot
from guanxi.platform.roles import Permission
from guanxi.platform.services.audit import audit_record


def can_manage_group_bots(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role_permission(Permission.MANAGE_USERS))


def _require_manager(actor: Any) -> None:
    if not can_manage_group_bots(actor):
        raise PermissionDeniedError(_("Only administrators can set up group bots."))


@transaction.atomic
def group_bot_create(
    *,
    actor: Any,
    name: str,
    service: str,
    webhook_url: str,
    secret: str = "",
    team: Team | None = None,
) -> GroupBot:
    _require_manager(actor)
    name = " ".join(name.split())[:100]
    if not name:
        raise ServiceValidationError.for_field("name", _("Give the bot a name."))
    if service not in BotService.values:
        raise ServiceValidationError.for_field("service", _("Choose WeCom, DingTalk or Feishu."))
    if team is not None and team.org_id != actor.org_id:
        raise ServiceValidationError.for_field("team", _("Choose a team of your organisation."))
    bot = GroupBot.objects.create(
        org_id=actor.org_id,
        team=team,
        name=name,
        service=service,
        webhook_url=validate_webhook_url(webhook_url),
        secret=secret.strip()[:200],
    )
    audit_record(
        actor=actor,
        verb="notifications.group_bot.created",
        target=bot,
        changes={"service": service, "team": str(team) if team else None, "name": name},
    )
    return bot


@transaction.atomic
def group_bot_delete(*, actor: Any, bot: GroupBot) -> None:
    _require_manager(actor)
    if bot.org_id != actor.org_id:
        raise PermissionDeniedError(_("Only administrators can set up group bots."))
    audit_record(actor=actor, verb="notifications.group_bot.deleted", target=bot)
    bot.delete()
