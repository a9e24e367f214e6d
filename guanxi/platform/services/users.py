"""Organisations, teams and users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.platform.models import Organization, Team, User
from guanxi.platform.roles import Role
from guanxi.platform.services.audit import audit_record

DEFAULT_ORG_SLUG = "default"


def default_organization() -> Organization:
    org, _created = Organization.objects.get_or_create(
        slug=DEFAULT_ORG_SLUG, defaults={"name": "Guanxi"}
    )
    return org


@transaction.atomic
def team_create(*, actor: Any, org: Organization, name: str, manager: User | None = None) -> Team:
    team = Team.objects.create(org=org, name=name, manager=manager)
    audit_record(actor=actor, verb="platform.team.created", target=team, org_id=org.pk)
    return team


@transaction.atomic
def team_set_manager(*, actor: Any, team: Team, manager: User | None) -> Team:
    """The manager sees every record of the team and may delete or hand them over."""
    before = team.manager.username if team.manager else None
    team.manager = manager
    team.save(update_fields=["manager", "updated_at"])
    audit_record(
        actor=actor,
        verb="platform.team.manager_changed",
        target=team,
        changes={"manager": {"before": before, "after": manager.username if manager else None}},
        org_id=team.org_id,
    )
    return team


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    org: Organization | None = None,
    role: str = Role.SALES_REP,
    team: Team | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "",
    check_password: bool = True,
) -> User:
    org = org or default_organization()
    if User.objects.filter(username=username).exists():
        raise ServiceValidationError(
            _("This user name is taken."),
            field_errors={"username": [_("This user name is taken.")]},
        )
    user = User(
        username=username,
        org=org,
        role=role,
        team=team,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
        is_superuser=role == Role.ADMINISTRATOR,
        is_staff=role == Role.ADMINISTRATOR,
    )
    if password:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ServiceValidationError(
                    " ".join(exc.messages), field_errors={"password": exc.messages}
                ) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        verb="platform.user.created",
        target=user,
        changes={"role": {"before": None, "after": role}},
        org_id=org.pk,
    )
    return user


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> None:
    before = actor.language
    actor.language = language
    actor.save(update_fields=["language"])
    audit_record(
        actor=actor,
        verb="platform.user.language_changed",
        target=actor,
        changes={"language": {"before": before, "after": language}},
        org_id=actor.org_id,
    )
