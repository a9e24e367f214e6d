"""``/api/v1/users``, ``/api/v1/teams`` and ``/api/v1/handovers``.

Every API user may list their colleagues and teams (to pick an owner or an assignee); only
administrators change them. Users are named by ``public_id`` everywhere, as records are.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from guanxi.core.errors import NotFoundError
from guanxi.platform.api_support import (
    WITH_BODY,
    Body,
    Flag,
    PageArgs,
    answers,
    get_visible,
    page_of,
)
from guanxi.platform.handover import handover_preview, handover_run, require_can_hand_over
from guanxi.platform.idempotency import idempotent_create, json_response
from guanxi.platform.models import Team, User
from guanxi.platform.roles import Role
from guanxi.platform.selectors import colleagues, teams_of
from guanxi.platform.services.invitations import invitation_path, invitation_send, user_invite
from guanxi.platform.services.users import (
    require_user_admin,
    team_create,
    team_update,
    user_create,
    user_set_active,
    user_update,
)

router = Router()


class UserOut(Schema):
    id: uuid.UUID
    username: str
    name: str
    team: uuid.UUID | None
    team_name: str | None
    role: str
    is_active: bool


class UserCreated(UserOut):
    invitation_url: str | None = None


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


Language = Literal["", "zh-hans", "en"]


class UserCreate(Body):
    username: str = Field(max_length=150, pattern=r"^[\w.@+-]+$")
    name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    role: Role = Role.SALES_REP
    team: uuid.UUID | None = None
    language: Language = ""
    password: str | None = Field(None, max_length=200)
    invite: Flag = Field(False, description="Make a one-time link to set the password; e-mail it")


class UserUpdate(Body):
    role: Role | None = None
    team: uuid.UUID | None = None
    language: Language | None = None
    is_active: Flag | None = None


class TeamOut(Schema):
    id: uuid.UUID
    name: str
    managers: list[uuid.UUID]
    members: list[uuid.UUID]


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


TeamName = Annotated[str, StringConstraints(max_length=120, pattern=r"\S")]


class TeamCreate(Body):
    name: TeamName
    managers: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class TeamUpdate(Body):
    name: TeamName | SkipJsonSchema[None] = Field(None, description="Not null: a team keeps a name")
    managers: list[uuid.UUID] | None = Field(None, max_length=100)


class HandoverIn(Body):
    from_user: uuid.UUID
    to_users: list[uuid.UUID] = Field(max_length=50)
    keep_access: Flag = Field(
        False, description="The old owner stays a reader (collaborator) of what moved"
    )


class HandoverOut(Schema):
    from_user: uuid.UUID
    to_users: list[uuid.UUID]
    counts: dict[str, int]


def user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.public_id,
        "username": user.username,
        "name": user.display_name,
        "team": user.team.public_id if user.team else None,
        "team_name": user.team.name if user.team else None,
        "role": user.role,
        "is_active": user.is_active,
    }


def team_out(team: Team) -> dict[str, Any]:
    return {
        "id": team.public_id,
        "name": team.name,
        "managers": [user.public_id for user in team.managers.all()],
        "members": [user.public_id for user in team.members.all()],
    }


def _user(request: HttpRequest, public_id: uuid.UUID) -> User:
    return get_visible(colleagues(request.user), public_id, _("No such user."))


def _users(request: HttpRequest, public_ids: list[uuid.UUID], field: str) -> list[User]:
    found = list(colleagues(request.user).filter(public_id__in=public_ids))
    if len(found) != len(set(public_ids)):
        raise NotFoundError(_("No such user."), field_errors={field: [_("No such user.")]})
    return found


def _team(request: HttpRequest, public_id: uuid.UUID | None) -> Team | None:
    if public_id is None:
        return None
    team = teams_of(request.user).filter(public_id=public_id).first()
    if team is None:
        raise NotFoundError(_("No such team."), field_errors={"team": [_("No such team.")]})
    return team


@router.get("/users", response=answers({200: UserPage}), tags=["users"], summary="List colleagues")
def list_users(request: HttpRequest, page: Query[PageArgs]) -> dict[str, Any]:
    return page_of(colleagues(request.user), page, user_out)


@router.post(
    "/users",
    response=answers({201: UserCreated}, 403, 404, 409, *WITH_BODY),
    tags=["users"],
    summary="Create a user",
)
def create_user(request: HttpRequest, payload: UserCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        require_user_admin(request.user)
        fields: dict[str, Any] = {
            "actor": request.user,
            "username": payload.username,
            "first_name": payload.name,
            "role": payload.role,
            "team": _team(request, payload.team),
            "language": payload.language,
        }
        link = None
        if payload.invite:
            user, raw = user_invite(email=payload.email, **fields)
            link = request.build_absolute_uri(invitation_path(raw))
            transaction.on_commit(lambda: invitation_send(user=user, link=link))
        else:
            user = user_create(password=payload.password, email=payload.email, **fields)
        body = UserCreated(**user_out(user), invitation_url=link).model_dump(mode="json")
        return 201, body

    return json_response(*idempotent_create(request, create))


@router.get(
    "/users/{user_id}",
    response=answers({200: UserOut}, 404),
    tags=["users"],
    summary="Get a colleague",
)
def get_user(request: HttpRequest, user_id: uuid.UUID) -> dict[str, Any]:
    return user_out(_user(request, user_id))


@router.patch(
    "/users/{user_id}",
    response=answers({200: UserOut}, 403, 404, 409, *WITH_BODY),
    tags=["users"],
    summary="Change a user",
)
def update_user(request: HttpRequest, user_id: uuid.UUID, payload: UserUpdate) -> dict[str, Any]:
    require_user_admin(request.user)
    user = _user(request, user_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"is_active"})
    if "team" in fields:
        fields["team"] = _team(request, payload.team)
    with transaction.atomic():
        user_update(actor=request.user, user=user, **fields)
        if payload.is_active is not None:
            user_set_active(actor=request.user, user=user, active=payload.is_active)
    return user_out(_user(request, user_id))


@router.get("/teams", response=answers({200: TeamPage}), tags=["teams"], summary="List teams")
def list_teams(request: HttpRequest, page: Query[PageArgs]) -> dict[str, Any]:
    return page_of(teams_of(request.user), page, team_out)


@router.post(
    "/teams",
    response=answers({201: TeamOut}, 403, 404, 409, *WITH_BODY),
    tags=["teams"],
    summary="Create a team",
)
def create_team(request: HttpRequest, payload: TeamCreate) -> HttpResponse:
    def create() -> tuple[int, dict[str, Any]]:
        require_user_admin(request.user)
        team = team_create(
            actor=request.user,
            org=request.user.org,  # type: ignore[union-attr,arg-type]
            name=payload.name,
            managers=_users(request, payload.managers, "managers"),
        )
        shown = teams_of(request.user).get(pk=team.pk)
        return 201, TeamOut(**team_out(shown)).model_dump(mode="json")

    return json_response(*idempotent_create(request, create))


@router.patch(
    "/teams/{team_id}",
    response=answers({200: TeamOut}, 403, 404, 409, *WITH_BODY),
    tags=["teams"],
    summary="Change a team",
)
def update_team(request: HttpRequest, team_id: uuid.UUID, payload: TeamUpdate) -> dict[str, Any]:
    require_user_admin(request.user)
    team = get_visible(teams_of(request.user), team_id, _("No such team."))
    managers = None
    if payload.managers is not None:
        managers = _users(request, payload.managers, "managers")
    team_update(actor=request.user, team=team, name=payload.name, managers=managers)
    return team_out(teams_of(request.user).get(pk=team.pk))


@router.get(
    "/handovers/preview",
    response=answers({200: HandoverOut}, 403, 404),
    tags=["handovers"],
    summary="Count what a user would hand over, without moving anything",
)
def preview_handover(request: HttpRequest, from_user: uuid.UUID) -> dict[str, Any]:
    user = _user(request, from_user)
    counts = handover_preview(actor=request.user, from_user=user)
    return {"from_user": user.public_id, "to_users": [], "counts": counts}


@router.post(
    "/handovers",
    response=answers({200: HandoverOut}, 403, 404, *WITH_BODY),
    tags=["handovers"],
    summary="Hand over everything a user owns to one or more colleagues",
)
def create_handover(request: HttpRequest, payload: HandoverIn) -> dict[str, Any]:
    user = _user(request, payload.from_user)
    require_can_hand_over(request.user, user)  # 403 before looking at anyone else
    targets = _users(request, payload.to_users, "to_users")
    result = handover_run(
        actor=request.user, from_user=user, to_users=targets, keep_access=payload.keep_access
    )
    return {
        "from_user": user.public_id,
        "to_users": [target.public_id for target in result.to_users],
        "counts": result.counts,
    }
