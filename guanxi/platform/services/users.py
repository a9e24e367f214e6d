"""Organisations, teams and users: what an administrator does on the users and teams pages.

Every change is audited. Commands and ``guanxi setup`` pass ``actor=None`` (the operator at the
shell); everyone else needs ``platform.manage_users`` and acts inside their own organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceValidationError,
)
from guanxi.platform.handover import owned_records_follow_team
from guanxi.platform.models import Organization, Team, User
from guanxi.platform.roles import Permission, Role
from guanxi.platform.services.audit import audit_record, diff, snapshot

DEFAULT_ORG_SLUG = "default"
USER_AUDITED_FIELDS = ("role", "team", "language", "first_name", "last_name", "email")


def default_organization() -> Organization:
    org, _created = Organization.objects.get_or_create(
        slug=DEFAULT_ORG_SLUG, defaults={"name": "Guanxi"}
    )
    return org


def require_user_admin(actor: Any) -> None:
    if actor is not None and not actor.has_role_permission(Permission.MANAGE_USERS):
        raise PermissionDeniedError(_("Only administrators may manage users and teams."))


def _require_same_org(actor: Any, org_id: int | None) -> None:
    if actor is not None and actor.org_id != org_id:
        raise NotFoundError(_("No such record."))


def username_is_free(username: str) -> bool:
    """Names differing only in case would confuse people signing in, so they count as taken."""
    return not User.objects.filter(username__iexact=username).exists()


def _username_taken() -> ConflictError:
    return ConflictError(
        _("This user name is taken."), field_errors={"username": [_("This user name is taken.")]}
    )


def _clean_role(role: str) -> str:
    if role not in Role.values:
        raise ServiceValidationError.for_field("role", _("Unknown role."))
    return role


def _clean_language(language: str) -> str:
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ServiceValidationError.for_field("language", _("Unknown language."))
    return language


def _clean_team(org_id: int, team: Team | None) -> Team | None:
    if team is not None and team.org_id != org_id:
        raise ServiceValidationError.for_field("team", _("No such team."))
    return team


def _clean_team_users(team: Team, users: Sequence[User], field: str) -> list[User]:
    if any(user.org_id != team.org_id for user in users):
        raise ServiceValidationError.for_field(field, _("Choose users of your organisation."))
    return sorted(set(users), key=lambda user: user.pk)


def _usernames(users: Any) -> list[str]:
    return sorted(user.username for user in users)


@transaction.atomic
def team_create(*, actor: Any, org: Organization, name: str, managers: Sequence[User] = ()) -> Team:
    require_user_admin(actor)
    _require_same_org(actor, org.pk)
    name = " ".join(name.split())[:120]
    if not name:
        raise ServiceValidationError.for_field("name", _("A team needs a name."))
    if Team.objects.filter(org=org, name=name).exists():
        raise ConflictError(
            _("A team with this name exists."), field_errors={"name": [_("This name is taken.")]}
        )
    try:
        with transaction.atomic():
            team = Team.objects.create(org=org, name=name)
    except IntegrityError as exc:  # created by someone else since the check above
        raise ConflictError(_("A team with this name exists.")) from exc
    team.managers.set(_clean_team_users(team, managers, "managers"))
    audit_record(
        actor=actor,
        verb="platform.team.created",
        target=team,
        changes={"managers": {"before": None, "after": _usernames(team.managers.all())}},
        org_id=org.pk,
    )
    return team


@transaction.atomic
def team_update(
    *,
    actor: Any,
    team: Team,
    name: str | None = None,
    managers: Sequence[User] | None = None,
    members: Sequence[User] | None = None,
) -> Team:
    """Rename, set the managers and set the members; what is not given stays as it is.

    Managers see every record of the team and may hand them over; members are the users whose
    ``team`` is this one (a user belongs to at most one team, so joining here leaves the old one).
    """
    require_user_admin(actor)
    _require_same_org(actor, team.org_id)
    team = Team.objects.select_for_update().get(pk=team.pk)
    changes: dict[str, Any] = {}
    if name is not None:
        name = " ".join(name.split())[:120]
        if not name:
            raise ServiceValidationError.for_field("name", _("A team needs a name."))
        if Team.objects.filter(org_id=team.org_id, name=name).exclude(pk=team.pk).exists():
            raise ConflictError(
                _("A team with this name exists."),
                field_errors={"name": [_("This name is taken.")]},
            )
        if name != team.name:
            changes["name"] = {"before": team.name, "after": name}
            team.name = name
            team.save(update_fields=["name", "updated_at"])
    if managers is not None:
        before = _usernames(team.managers.all())
        team.managers.set(_clean_team_users(team, managers, "managers"))
        after = _usernames(team.managers.all())
        if before != after:
            changes["managers"] = {"before": before, "after": after}
    if members is not None:
        wanted = _clean_team_users(team, members, "members")
        before = _usernames(team.members.all())
        leaving = list(
            team.members.exclude(pk__in=[user.pk for user in wanted]).values_list("pk", flat=True)
        )
        joining = [user.pk for user in wanted if user.team_id != team.pk]
        User.objects.filter(pk__in=leaving).update(team=None)
        User.objects.filter(pk__in=joining).update(team=team)
        owned_records_follow_team(leaving + joining)
        after = _usernames(team.members.all())
        if before != after:
            changes["members"] = {"before": before, "after": after}
    if changes:
        audit_record(actor=actor, verb="platform.team.updated", target=team, changes=changes)
    return team


def team_set_managers(*, actor: Any, team: Team, managers: Sequence[User]) -> Team:
    """The managers see every record of the team and may delete or hand them over."""
    return team_update(actor=actor, team=team, managers=managers)


def team_set_manager(*, actor: Any, team: Team, manager: User | None) -> Team:
    """One manager (or none): kept for callers from before teams had several."""
    return team_set_managers(actor=actor, team=team, managers=[manager] if manager else [])


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
    """Without a password the user cannot sign in until they accept an invitation."""
    require_user_admin(actor)
    org = org or (actor.org if actor is not None else default_organization())
    _require_same_org(actor, org.pk)
    username = username.strip()
    if not username or len(username) > 150:
        raise ServiceValidationError.for_field(
            "username", _("Enter a user name of at most 150 characters.")
        )
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise ServiceValidationError.for_field("username", " ".join(exc.messages)) from exc
    if not username_is_free(username):
        raise _username_taken()
    user = User(
        username=username,
        org=org,
        role=_clean_role(role),
        team=_clean_team(org.pk, team),
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
        email=User.objects.normalize_email(email.strip()),
        language=_clean_language(language),
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
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same name was taken between the check and the insert
        raise _username_taken() from exc
    audit_record(
        actor=actor,
        verb="platform.user.created",
        target=user,
        changes=diff({}, snapshot(user, USER_AUDITED_FIELDS)),
        org_id=org.pk,
    )
    return user


def _other_active_administrators(user: User) -> bool:
    return (
        User.objects.filter(org_id=user.org_id, is_active=True)
        .filter(Q(is_superuser=True) | Q(role=Role.ADMINISTRATOR))
        .exclude(pk=user.pk)
        .exists()
    )


def _keep_one_administrator(user: User) -> None:
    """An organisation without an active administrator could not add or unlock anyone."""
    if user.is_administrator and user.is_active and not _other_active_administrators(user):
        raise ServiceValidationError(
            _("This is the only active administrator; make someone else administrator first.")
        )


@transaction.atomic
def user_update(*, actor: Any, user: User, **fields: Any) -> User:
    """Change role, team, language, name or e-mail; fields not given stay as they are."""
    require_user_admin(actor)
    _require_same_org(actor, user.org_id)
    unknown = set(fields) - set(USER_AUDITED_FIELDS)
    if unknown:
        raise ServiceValidationError.for_field(sorted(unknown)[0], _("Unknown field."))
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, USER_AUDITED_FIELDS)
    if "role" in fields:
        role = _clean_role(fields["role"])
        if role != Role.ADMINISTRATOR:
            _keep_one_administrator(user)
        user.role = role
        user.is_superuser = user.is_staff = role == Role.ADMINISTRATOR
    if "team" in fields:
        user.team = _clean_team(user.org_id, fields["team"])  # type: ignore[arg-type]
    if "language" in fields:
        user.language = _clean_language(fields["language"] or "")
    for name in ("first_name", "last_name"):
        if name in fields:
            setattr(user, name, str(fields[name] or "").strip()[:150])
    if "email" in fields:
        user.email = User.objects.normalize_email(str(fields["email"] or "").strip())
    changes = diff(before, snapshot(user, USER_AUDITED_FIELDS))
    if changes:
        user.save()
        if "team" in changes:
            owned_records_follow_team([user.pk])
        audit_record(actor=actor, verb="platform.user.updated", target=user, changes=changes)
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    """Deactivating stops the user's sessions and API tokens on their next request.

    Nothing they own moves: the users page counts what is left and links to the handover.
    """
    require_user_admin(actor)
    _require_same_org(actor, user.org_id)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active:
        if actor is not None and actor.pk == user.pk:
            raise ServiceValidationError(_("You cannot deactivate yourself."))
        _keep_one_administrator(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        verb="platform.user.reactivated" if active else "platform.user.deactivated",
        target=user,
        changes={"is_active": {"before": not active, "after": active}},
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
