"""Personal API tokens: generated, shown once, stored as a digest, revocable."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import PermissionDeniedError, ServiceValidationError
from guanxi.platform.models import ApiToken
from guanxi.platform.roles import Permission
from guanxi.platform.services.audit import audit_record

TOKEN_PREFIX = "gx_"  # noqa: S105 (a public marker, not a secret)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is never stored."""
    name = name.strip()
    if not name:
        raise ServiceValidationError(
            _("Give the token a name."), field_errors={"name": [_("This field is required.")]}
        )
    if actor.pk != user.pk and not actor.has_role_permission(Permission.MANAGE_USERS):
        raise PermissionDeniedError(_("You may only create tokens for yourself."))
    if not user.has_role_permission(Permission.USE_API):
        raise PermissionDeniedError(_("This user may not use the API."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:10], digest=token_digest(raw)
    )
    audit_record(
        actor=actor,
        verb="platform.api_token.created",
        target=token,
        changes={"name": {"before": None, "after": token.name}},
        org_id=user.org_id,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    if actor.pk != token.user_id and not actor.has_role_permission(Permission.MANAGE_USERS):
        raise PermissionDeniedError(_("You may only revoke your own tokens."))
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor, verb="platform.api_token.revoked", target=token, org_id=token.user.org_id
    )


def api_token_authenticate(raw: str) -> Any | None:
    """The active user behind a raw token, recording when it was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # At most one write a minute per token keeps reads cheap under load.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
