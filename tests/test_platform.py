from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from guanxi.platform.models import ApiToken, AuditEvent, LoginFailure
from guanxi.platform.services.tokens import token_digest

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_ok(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_is_unreachable(tmp_path):
    """A real unreachable server: PostgreSQL on a closed loopback port."""
    env = {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/guanxi",
        "PATH": "/usr/bin:/bin",
        "GUANXI_DATA_DIR": str(tmp_path),
    }
    script = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        "django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='127.0.0.1').get('/healthz'); print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.stdout.strip() == '503 {"status": "error", "database": "unreachable"}'


def test_token_command_prints_token_alone_on_last_line(people):
    out, err = StringIO(), StringIO()
    call_command("token", "create", "owner", "--name", "sync", stdout=out, stderr=err)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("gx_")
    token = ApiToken.objects.get(user=people.owner, name="sync")
    assert token.digest == token_digest(raw)
    assert raw not in str(token.__dict__)


def test_login_and_throttling(people, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "owner", "password": "wrong"})
        assert response.status_code == 401
    blocked = client.post(
        "/login/", {"username": "owner", "password": "correct horse battery staple"}
    )
    assert blocked.status_code == 429
    assert LoginFailure.objects.count() == settings.LOGIN_FAILURE_LIMIT
    LoginFailure.objects.all().delete()
    ok = client.post("/login/", {"username": "owner", "password": "correct horse battery staple"})
    assert ok.status_code == 302
    assert ok["Location"] == "/"


def test_login_refuses_open_redirect(people):
    response = Client().post(
        "/login/?next=https://evil.example/",
        {
            "username": "owner",
            "password": "correct horse battery staple",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_security_headers(people):
    response = Client().get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_passwords_hashed_with_argon2(db):
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    from config import settings as project_settings

    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        assert make_password("secret-password").startswith("argon2$")


@pytest.mark.parametrize("secret", ["", "short"])
def test_refuses_insecure_secret_when_debug_is_off(secret):
    env = {"DEBUG": "0", "SECRET_KEY": secret, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            "'config.settings'; django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_secure_settings_start_with_a_long_secret(tmp_path):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 50,
        "GUANXI_SECURE_COOKIES": "1",
        "PATH": "/usr/bin:/bin",
        "GUANXI_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            "'config.settings'; django.setup(); from django.conf import settings; "
            "print(settings.SESSION_COOKIE_SECURE)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_language_switch_is_remembered_for_the_user(people):
    client = Client()
    client.force_login(people.owner)
    assert "联系人" in client.get("/contacts/").content.decode()
    client.post("/language/", {"language": "en", "next": "/contacts/"})
    people.owner.refresh_from_db()
    assert people.owner.language == "en"
    assert "Contacts" in client.get("/contacts/").content.decode()
    assert AuditEvent.objects.filter(verb="platform.user.language_changed").count() == 1


def test_browser_language_is_used_when_the_user_chose_none(people):
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Sign in" in client.get("/login/").content.decode()
    client_zh = Client(headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "登录" in client_zh.get("/login/").content.decode()


def test_audit_trail_page_for_managers_only(people):
    client = Client()
    client.force_login(people.owner)
    assert client.get("/audit/").status_code == 403
    assert 'href="/audit/"' not in client.get("/").content.decode()
    client.force_login(people.admin)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert 'href="/audit/"' in page.content.decode()
    assert "platform.user.created" in page.content.decode()


def test_import_layers_contract():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_migrations_are_complete(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrations_run_from_empty():
    call_command("migrate", "customers", "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    out = StringIO()
    call_command("showmigrations", "customers", stdout=out)
    assert "[ ]" not in out.getvalue()
