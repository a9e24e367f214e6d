"""Users and teams: the administrator's pages, invitations, deactivation, commands and the API."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import Client

from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent, Invitation, Team, User
from guanxi.platform.services import users as user_services
from guanxi.platform.services.invitations import invitation_accept, user_invite
from guanxi.platform.services.users import (
    team_create,
    team_set_managers,
    user_create,
    user_set_active,
)
from guanxi.platform.visibility import can_see, forget_cached_access

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD = "correct horse battery staple"


def signed_in(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- pages ------------------------------------------------------------------------------------


def test_administrator_creates_a_user_with_a_password(people, english):
    response = signed_in(people.admin).post(
        "/users/new/",
        {
            "username": "xiaoli",
            "name": "小李",
            "email": "",
            "role": "sales_rep",
            "team": people.team.pk,
            "language": "zh-hans",
            "how": "password",
            "password": "a long enough password 42",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    created = User.objects.get(username="xiaoli")
    assert (created.display_name, created.role, created.team, created.language) == (
        "小李",
        "sales_rep",
        people.team,
        "zh-hans",
    )
    assert created.check_password("a long enough password 42")
    assert (
        AuditEvent.objects.filter(verb="platform.user.created", target_id=created.pk).count() == 1
    )


def test_invitation_link_is_shown_mailed_and_works_once(people, settings):
    settings.MAILERS = LOCMEM
    admin = signed_in(people.admin)
    response = admin.post(
        "/users/new/",
        {
            "username": "xiaowang",
            "name": "小王",
            "email": "wang@example.com",
            "role": "service_agent",
            "team": "",
            "language": "",
            "how": "invite",
            "password": "",
        },
    )
    assert response.status_code == 200
    link = re.search(r"http://testserver(/invitations/[\w-]+/)", response.content.decode())
    assert link is not None
    path = link.group(1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang@example.com"]
    assert f"http://testserver{path}" in mail.outbox[0].body
    invitee = User.objects.get(username="xiaowang")
    assert not invitee.has_usable_password()

    visitor = Client()
    assert visitor.get(path).status_code == 200
    accepted = visitor.post(
        path, {"new_password1": "my own secret 2026", "new_password2": "my own secret 2026"}
    )
    assert accepted.status_code == 302
    assert accepted["Location"] == "/login/"
    assert Client().login(username="xiaowang", password="my own secret 2026")

    # Used once: the same link now refuses, and a second try changes nothing.
    assert visitor.get(path).status_code == 404
    again = visitor.post(path, {"new_password1": "another one 2026", "new_password2": "x"})
    assert again.status_code == 404
    invitee.refresh_from_db()
    assert invitee.check_password("my own secret 2026")


def test_invitation_without_a_mailer_still_shows_the_link(people, settings, english):
    settings.MAILERS = {}
    response = signed_in(people.admin).post(
        "/users/new/",
        {"username": "nomail", "email": "n@example.com", "role": "sales_rep", "how": "invite"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert "/invitations/" in body
    assert "The e-mail could not be sent" in body


def test_invitation_service_refuses_a_used_link(people, english):
    user, raw = user_invite(
        actor=people.admin, username="once", email="once@example.com", role="sales_rep"
    )
    invitation_accept(raw=raw, password="first password 123")
    with pytest.raises(Exception) as refused:
        invitation_accept(raw=raw, password="second password 123")
    assert refused.value.status == 404  # type: ignore[attr-defined]
    assert Invitation.objects.get(user=user).used_at is not None


@pytest.mark.parametrize("who", ["manager", "owner", "reader"])
def test_users_pages_are_for_administrators_only(people, who):
    client = signed_in(getattr(people, who))
    count = User.objects.count()
    for url in (
        "/users/",
        "/users/new/",
        "/teams/",
        f"/users/{people.owner.public_id}/deactivate/",
    ):
        assert client.get(url).status_code == 403
    assert client.post("/users/new/", {"username": "sneaky", "how": "password"}).status_code == 403
    assert client.post(f"/users/{people.owner.public_id}/deactivate/").status_code == 403
    assert User.objects.count() == count
    people.owner.refresh_from_db()
    assert people.owner.is_active


def test_anonymous_visitors_are_sent_to_sign_in(people):
    response = Client().get("/users/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/users/"


def test_nav_link_only_for_those_who_may_use_it(people, english):
    admin_page = signed_in(people.admin).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/users/"' in admin_page
    manager_page = signed_in(people.manager).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/users/"' not in manager_page
    assert 'href="/handover/"' in manager_page
    rep_page = signed_in(people.owner).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/users/"' not in rep_page
    assert 'href="/handover/"' not in rep_page


def test_deactivation_asks_first_then_stops_session_and_token_at_once(people, api_for):
    rep_browser = signed_in(people.owner)
    rep_api = api_for(people.owner)
    assert rep_browser.get("/contacts/").status_code == 200
    assert rep_api.get("/api/v1/contacts").status_code == 200

    admin = signed_in(people.admin)
    confirm = admin.get(f"/users/{people.owner.public_id}/deactivate/")
    assert confirm.status_code == 200
    people.owner.refresh_from_db()
    assert people.owner.is_active  # asking is not doing

    assert admin.post(f"/users/{people.owner.public_id}/deactivate/").status_code == 302
    refused = rep_browser.get("/contacts/")
    assert refused.status_code == 302
    assert refused["Location"].startswith("/login/")
    assert rep_api.get("/api/v1/contacts").status_code == 401

    assert admin.post(f"/users/{people.owner.public_id}/reactivate/").status_code == 302
    assert rep_browser.get("/contacts/").status_code == 200
    assert rep_api.get("/api/v1/contacts").status_code == 200
    verbs = list(
        AuditEvent.objects.filter(target_id=people.owner.pk, verb__startswith="platform.user.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["platform.user.deactivated", "platform.user.reactivated"]


def test_users_page_flags_what_a_deactivated_user_still_owns(people, english):
    for name in ("甲", "乙"):
        contact_create(actor=people.owner, name=name)
    user_set_active(actor=people.admin, user=people.owner, active=False)
    page = signed_in(people.admin).get("/users/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 records to hand over" in page
    assert f'href="/handover/{people.owner.public_id}/"' in page


def test_nobody_locks_themselves_or_the_organisation_out(people, english):
    with pytest.raises(Exception, match="cannot deactivate yourself"):
        user_set_active(actor=people.admin, user=people.admin, active=False)
    with pytest.raises(Exception, match="only active administrator"):
        user_set_active(actor=None, user=people.admin, active=False)
    people.admin.refresh_from_db()
    assert people.admin.is_active


def test_a_team_with_two_managers_shows_its_records_to_both(people):
    second = user_create(
        actor=people.admin,
        username="floor",
        password=PASSWORD,
        role="manager",
        check_password=False,
    )
    team_set_managers(actor=people.admin, team=people.team, managers=[people.manager, second])
    private = contact_create(actor=people.owner, name="王芳", visibility="owner")
    forget_cached_access(second)
    assert can_see(second, private)
    assert can_see(people.manager, private)
    assert sorted(people.team.managers.values_list("username", flat=True)) == ["floor", "manager"]


def test_administrator_creates_and_edits_a_team_in_the_ui(people):
    admin = signed_in(people.admin)
    response = admin.post(
        "/teams/",
        {"name": "North", "managers": [people.manager.pk], "members": [people.outsider.pk]},
    )
    assert response.status_code == 302
    north = Team.objects.get(name="North")
    assert list(north.managers.all()) == [people.manager]
    people.outsider.refresh_from_db()
    assert people.outsider.team == north
    edited = admin.post(
        f"/teams/{north.public_id}/",
        {"name": "North 2", "managers": [people.admin.pk], "members": []},
    )
    assert edited.status_code == 302
    north.refresh_from_db()
    people.outsider.refresh_from_db()
    assert (north.name, list(north.managers.all()), people.outsider.team) == (
        "North 2",
        [people.admin],
        None,
    )


# --- commands ---------------------------------------------------------------------------------


def run(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **({"stdin": stdin} if stdin else {}))
    return out.getvalue(), err.getvalue()


def test_team_and_user_commands(db):
    run("team", "create", "华东")
    out, _err = run("user", "create", "laozhang", "--role", "manager", "--team", "华东")
    password = out.splitlines()[-1]
    assert len(password) >= 16
    assert Client().login(username="laozhang", password=password)
    run("team", "create", "华南", "--manager", "laozhang")
    assert list(Team.objects.get(name="华南").managers.values_list("username", flat=True)) == [
        "laozhang"
    ]

    out, _err = run(
        "user",
        "create",
        "xiaoma",
        "--role",
        "sales_rep",
        "--team",
        "华南",
        "--email",
        "ma@example.com",
        "--password-stdin",
        stdin=io.StringIO("chosen by me 2026\n"),
    )
    assert out == ""
    assert Client().login(username="xiaoma", password="chosen by me 2026")

    out, _err = run("user", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["username", "name", "role", "team", "active"]
    assert lines[1].split() == ["laozhang", "laozhang", "manager", "华东", "yes"]
    assert lines[2].split() == ["xiaoma", "xiaoma", "sales_rep", "华南", "yes"]

    run("user", "deactivate", "xiaoma")
    assert not User.objects.get(username="xiaoma").is_active
    assert run("user", "list")[0].splitlines()[2].split()[-1] == "no"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("user", "create", "a", "--role", "boss", "--team", "T"), "Unknown role 'boss'"),
        (("user", "create", "a", "--role", "sales_rep", "--team", "Nope"), "No team named 'Nope'"),
        (("user", "create", "Taken", "--role", "sales_rep", "--team", "T"), "is taken"),
        (("user", "deactivate", "ghost"), "No user named 'ghost'"),
        (("team", "create", "X", "--manager", "ghost"), "No user named 'ghost'"),
        (("team", "create", "T"), "A team with this name exists"),
    ],
)
def test_command_errors_are_clear(db, english, args, message):
    run("team", "create", "T")
    user_create(actor=None, username="taken", password=None)
    count = User.objects.count(), Team.objects.count()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert (User.objects.count(), Team.objects.count()) == count


# --- API --------------------------------------------------------------------------------------


def test_everyone_lists_colleagues(people, api_for):
    response = api_for(people.reader).get("/api/v1/users", {"limit": 2})
    assert response.status_code == 200
    page = response.json()
    newest = User.objects.order_by("-pk")[:2]
    assert [item["id"] for item in page["items"]] == [str(u.public_id) for u in newest]
    assert page["next_cursor"]
    rest = api_for(people.reader).get("/api/v1/users", {"cursor": page["next_cursor"]}).json()
    assert len(page["items"]) + len(rest["items"]) == 6
    owner = next(i for i in rest["items"] + page["items"] if i["username"] == "owner")
    assert owner == {
        "id": str(people.owner.public_id),
        "username": "owner",
        "name": "owner",
        "team": str(people.team.public_id),
        "team_name": "East",
        "role": "sales_rep",
        "is_active": True,
    }
    teams = api_for(people.owner).get("/api/v1/teams").json()["items"]
    east = next(t for t in teams if t["name"] == "East")
    assert east["managers"] == [str(people.manager.public_id)]


def test_anonymous_api_gets_401(people, api_for):
    anonymous = api_for(None)
    assert anonymous.get("/api/v1/users").status_code == 401
    assert anonymous.post("/api/v1/users", {"username": "x"}).status_code == 401
    assert anonymous.get("/api/v1/teams").status_code == 401
    assert (
        anonymous.get(f"/api/v1/handovers/preview?from_user={people.owner.public_id}").status_code
        == 401
    )


@pytest.mark.parametrize("who", ["manager", "owner", "reader"])
def test_only_administrators_change_users_and_teams(people, api_for, who):
    api = api_for(getattr(people, who))
    before = (User.objects.count(), Team.objects.count(), AuditEvent.objects.count())
    assert api.post("/api/v1/users", {"username": "new", "password": "x" * 20}).status_code == 403
    assert (
        api.patch(f"/api/v1/users/{people.owner.public_id}", {"role": "administrator"}).status_code
        == 403
    )
    assert (
        api.patch(f"/api/v1/users/{people.owner.public_id}", {"is_active": False}).status_code
        == 403
    )
    assert api.post("/api/v1/teams", {"name": "Mine"}).status_code == 403
    assert api.patch(f"/api/v1/teams/{people.team.public_id}", {"name": "X"}).status_code == 403
    assert (User.objects.count(), Team.objects.count(), AuditEvent.objects.count()) == before
    people.owner.refresh_from_db()
    people.team.refresh_from_db()
    assert (people.owner.role, people.owner.is_active, people.team.name) == (
        "sales_rep",
        True,
        "East",
    )


def test_administrator_creates_and_changes_users_over_the_api(
    people, api_for, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = LOCMEM
    admin = api_for(people.admin)
    created = admin.post(
        "/api/v1/users",
        {
            "username": "api_rep",
            "name": "接口",
            "role": "marketer",
            "team": str(people.other_team.public_id),
            "password": "a long enough password 42",
        },
    )
    assert created.status_code == 201
    body = created.json()
    user = User.objects.get(username="api_rep")
    assert body == {
        "id": str(user.public_id),
        "username": "api_rep",
        "name": "接口",
        "team": str(people.other_team.public_id),
        "team_name": "South",
        "role": "marketer",
        "is_active": True,
        "invitation_url": None,
    }
    changed = admin.patch(
        f"/api/v1/users/{user.public_id}",
        {
            "role": "sales_rep",
            "team": str(people.team.public_id),
            "language": "en",
            "is_active": False,
        },
    )
    assert changed.status_code == 200
    user.refresh_from_db()
    assert (user.role, user.team, user.language, user.is_active) == (
        "sales_rep",
        people.team,
        "en",
        False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        invited = admin.post(
            "/api/v1/users", {"username": "api_invited", "email": "i@example.com", "invite": True}
        )
    assert invited.status_code == 201
    assert invited.json()["invitation_url"].startswith("http://testserver/invitations/")
    assert mail.outbox[0].to == ["i@example.com"]


def test_a_taken_user_name_is_a_409_problem(people, api_for):
    count = User.objects.count()
    response = api_for(people.admin).post(
        "/api/v1/users",
        {"username": "OWNER", "password": "a long enough password 42"},
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"username": ["This user name is taken."]}
    assert User.objects.count() == count


def test_a_taken_user_name_under_a_race_is_still_a_409(people, api_for, monkeypatch):
    # The check passes (another request has not committed yet); the unique index decides.
    monkeypatch.setattr(user_services, "username_is_free", lambda username: True)
    count = User.objects.count()
    response = api_for(people.admin).post(
        "/api/v1/users", {"username": "owner", "password": "a long enough password 42"}
    )
    assert response.status_code == 409
    assert User.objects.count() == count


def test_the_race_path_really_hits_the_unique_index(people, monkeypatch):
    monkeypatch.setattr(user_services, "username_is_free", lambda username: True)
    with pytest.raises(Exception) as caught:
        user_create(actor=people.admin, username="owner", password=None)
    assert isinstance(caught.value.__cause__, IntegrityError)


def test_administrator_creates_and_changes_teams_over_the_api(people, api_for):
    admin = api_for(people.admin)
    created = admin.post(
        "/api/v1/teams",
        {"name": "West", "managers": [str(people.manager.public_id), str(people.admin.public_id)]},
    )
    assert created.status_code == 201
    west = Team.objects.get(name="West")
    assert created.json() == {
        "id": str(west.public_id),
        "name": "West",
        "managers": sorted(
            [str(people.manager.public_id), str(people.admin.public_id)],
            key=lambda pid: User.objects.get(public_id=pid).username,
        ),
        "members": [],
    }
    assert admin.post("/api/v1/teams", {"name": "West"}).status_code == 409
    changed = admin.patch(
        f"/api/v1/teams/{west.public_id}",
        {"name": "West 2", "managers": [str(people.owner.public_id)]},
    )
    assert changed.status_code == 200
    assert changed.json()["managers"] == [str(people.owner.public_id)]
    assert changed.json()["name"] == "West 2"


def test_team_create_service_refuses_other_organisations_users(people, english):
    from guanxi.platform.models import Organization

    other = Organization.objects.create(name="Other", slug="other")
    stranger = user_create(actor=None, username="stranger", password=None, org=other)
    with pytest.raises(Exception, match="organisation"):
        team_create(actor=people.admin, org=people.org, name="Mixed", managers=[stranger])
    assert not Team.objects.filter(name="Mixed").exists()
