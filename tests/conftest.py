from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from guanxi.platform.models import Organization, Team, User
from guanxi.platform.roles import Role
from guanxi.platform.services.tokens import api_token_create
from guanxi.platform.services.users import (
    default_organization,
    team_create,
    team_set_managers,
    user_create,
)


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache: database ids repeat between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class People:
    org: Organization
    team: Team
    other_team: Team
    owner: User
    teammate: User
    outsider: User
    manager: User
    admin: User
    reader: User


@pytest.fixture
def people(db: Any) -> People:
    org = default_organization()
    team = team_create(actor=None, org=org, name="East")
    other_team = team_create(actor=None, org=org, name="South")

    def make(username: str, role: str, team_: Team | None) -> User:
        return user_create(
            actor=None,
            username=username,
            password="correct horse battery staple",
            org=org,
            role=role,
            team=team_,
            check_password=False,
        )

    manager = make("manager", Role.MANAGER, team)
    team_set_managers(actor=None, team=team, managers=[manager])
    return People(
        org=org,
        team=team,
        other_team=other_team,
        owner=make("owner", Role.SALES_REP, team),
        teammate=make("teammate", Role.SALES_REP, team),
        outsider=make("outsider", Role.SALES_REP, other_team),
        manager=manager,
        admin=make("admin", Role.ADMINISTRATOR, None),
        reader=make("reader", Role.READ_ONLY, team),
    )


class ApiClient:
    """A test client that sends a real Bearer token and JSON bodies."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, *, raw: str | None = None, **headers: str) -> Any:
        import json

        data = raw if raw is not None else json.dumps(body)
        return self.client.post(
            path, data, content_type="application/json", headers=self._headers(headers)
        )

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        import json

        return self.client.patch(
            path, json.dumps(body), content_type="application/json", headers=self._headers(headers)
        )

    def put(self, path: str, body: Any, **headers: str) -> Any:
        import json

        return self.client.put(
            path, json.dumps(body), content_type="application/json", headers=self._headers(headers)
        )

    def delete(self, path: str, **headers: str) -> Any:
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def api_for(people: People) -> Any:
    def make(user: User | None) -> ApiClient:
        if user is None:
            return ApiClient(None)
        _token, raw = api_token_create(actor=user, user=user, name="tests")
        return ApiClient(raw)

    return make


@pytest.fixture
def english() -> Any:
    """Messages made outside a request (services, commands) in English, for exact assertions."""
    from django.utils import translation

    with translation.override("en"):
        yield


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Any:
    """Debian's chromium through Playwright, shared by the browser tests (never downloaded)."""
    import os
    import shutil

    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: run `apt-get install chromium` (see .ci/run).")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
