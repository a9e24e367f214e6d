"""Invitations: a one-time link with which a new colleague sets their own password.

The administrator never learns the password, and the link is useless once used or expired. The
link is shown to the administrator as well as e-mailed, because a shop's staff often have no
working mailbox yet.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFoundError, ServiceValidationError
from guanxi.platform.models import Invitation, User
from guanxi.platform.services.audit import audit_record
from guanxi.platform.services.users import require_user_admin, user_create

INVITATION_DAYS = 7
logger = logging.getLogger(__name__)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_path(raw: str) -> str:
    return reverse("invitation-accept", kwargs={"token": raw})


@transaction.atomic
def invitation_create(*, actor: Any, user: User) -> str:
    """A new link for ``user``; earlier unused links stop working. Returns the raw secret."""
    require_user_admin(actor)
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    raw = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user,
        digest=_digest(raw),
        created_by=actor,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        verb="platform.user.invited",
        target=user,
        changes={"email": {"before": None, "after": user.email}},
    )
    return raw


@transaction.atomic
def user_invite(*, actor: Any, username: str, email: str, **fields: Any) -> tuple[User, str]:
    """Create a user who cannot sign in yet, and the link with which they set a password."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceValidationError.for_field(
            "email", _("Enter the e-mail address the invitation goes to.")
        ) from exc
    user = user_create(actor=actor, username=username, password=None, email=email, **fields)
    return user, invitation_create(actor=actor, user=user)


def invitation_valid(raw: str) -> Invitation | None:
    if not raw or len(raw) > 100:
        return None
    return (
        Invitation.objects.select_related("user")
        .filter(
            digest=_digest(raw),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


@transaction.atomic
def invitation_accept(*, raw: str, password: str) -> User:
    invitation = invitation_valid(raw)
    if invitation is not None:
        invitation = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation.pk, used_at__isnull=True)
            .first()
        )
    if invitation is None:
        raise NotFoundError(_("This invitation link is no longer valid. Ask for a new one."))
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceValidationError(
            " ".join(exc.messages), field_errors={"password": exc.messages}
        ) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    audit_record(actor=user, verb="platform.user.invitation_accepted", target=user)
    return user


def invitation_send(*, user: User, link: str) -> bool:
    """E-mail the link in the invitee's language (Django's ``send_mail``).

    False when no mailer is configured or the mail server refused it: the page then asks the
    administrator to pass the link on, which is why the invitation itself never depends on mail.
    """
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("You are invited to Guanxi")
        body = _(
            "Hello %(name)s,\n\nan account was made for you in Guanxi (user name: %(username)s). "
            "Open this link to choose your password; it works once, for %(days)s days:\n\n"
            "%(link)s\n"
        ) % {
            "name": user.display_name,
            "username": user.username,
            "days": INVITATION_DAYS,
            "link": link,
        }
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, ImproperlyConfigured):  # smtplib's errors are OSErrors; no MAILERS entry
        logger.exception("The invitation mail to user %s could not be sent", user.pk)
        return False
    return True
