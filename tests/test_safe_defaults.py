"""The default set-up is safe to put on a shop's network: DEBUG off, a private generated key,
static files and error pages served by the application itself, login over plain HTTP."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.views.defaults import server_error

from guanxi.platform.models import ApiToken

ROOT = Path(__file__).resolve().parent.parent
GUANXI = Path(sys.executable).parent / "guanxi"
URL_MAP_MARKERS = ("URLconf", "api/v1/", "healthz")

# Reads the settings module alone (no app loading), as every process does first.
SETTINGS_REPORT = (
    "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
    "from django.conf import settings; "
    "print(json.dumps({'debug': settings.DEBUG, 'key': settings.SECRET_KEY, "
    "'secure_cookies': settings.SESSION_COOKIE_SECURE}))"
)


def clean_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """Only what a fresh shell on a shop's machine would have: nothing Guanxi-specific."""
    return {"PATH": "/usr/bin:/bin", "GUANXI_DATA_DIR": str(data_dir), **extra}


def run_python(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def settings_report(env: dict[str, str]) -> dict[str, Any]:
    result = run_python(SETTINGS_REPORT, env)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.fixture
def collected_static(tmp_path: Path) -> Any:
    """The files `make run` collects before serving, in a private STATIC_ROOT, DEBUG off."""
    static_root = tmp_path / "static"
    with override_settings(STATIC_ROOT=static_root, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield static_root


# --- settings -----------------------------------------------------------------------------------


def test_debug_is_off_and_a_private_key_is_generated_once(tmp_path):
    first = settings_report(clean_environment(tmp_path))
    key_file = tmp_path / "secret_key"
    assert first["debug"] is False
    assert len(first["key"]) == 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text(encoding="utf-8") == first["key"] + "\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret_key"]

    second = settings_report(clean_environment(tmp_path))
    assert second["key"] == first["key"]


def test_processes_starting_together_agree_on_one_key(tmp_path):
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SETTINGS_REPORT],
            cwd=ROOT,
            env=clean_environment(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    keys = set()
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        keys.add(json.loads(stdout.strip().splitlines()[-1])["key"])
    assert keys == {(tmp_path / "secret_key").read_text(encoding="utf-8").strip()}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret_key"]


def test_debug_on_only_when_the_environment_says_so(tmp_path):
    assert settings_report(clean_environment(tmp_path, DEBUG="1"))["debug"] is True
    assert settings_report(clean_environment(tmp_path, DEBUG="0"))["debug"] is False


@pytest.mark.parametrize(
    "given",
    [
        {"SECRET_KEY": "short-but-explicit"},
        {"SECRET_KEY": ""},
        {"SECRET_KEY": "guanxi-development-secret-key-do-not-use-in-production"},
        {"SECRET_KEY_FILE": "weak"},
    ],
)
def test_an_explicit_insecure_key_fails_hard_with_debug_off(tmp_path, given):
    if "SECRET_KEY_FILE" in given:
        weak_file = tmp_path / "weak-key"
        weak_file.write_text("too-short\n", encoding="utf-8")
        given = {"SECRET_KEY_FILE": str(weak_file)}
    data_dir = tmp_path / "data"
    result = run_python(SETTINGS_REPORT, clean_environment(data_dir, **given))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert not (data_dir / "secret_key").exists()


def test_an_explicit_long_key_is_used_as_given(tmp_path):
    key = "k" * 50
    report = settings_report(clean_environment(tmp_path, SECRET_KEY=key))
    assert report["key"] == key
    assert not (tmp_path / "secret_key").exists()


def test_secure_cookies_are_an_explicit_opt_in(tmp_path):
    long_key = {"SECRET_KEY": "k" * 50}
    assert settings_report(clean_environment(tmp_path, **long_key))["secure_cookies"] is False
    opted_in = clean_environment(tmp_path, GUANXI_SECURE_COOKIES="1", **long_key)
    assert settings_report(opted_in)["secure_cookies"] is True


@override_settings(DEBUG=False)
def test_login_over_plain_http_sets_a_usable_session_cookie(people):
    client = Client()
    response = client.post(
        "/login/", {"username": "owner", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] == ""
    assert client.get("/contacts/").status_code == 200


# --- error pages --------------------------------------------------------------------------------


def test_unknown_url_with_default_settings_shows_no_url_map(tmp_path):
    script = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='127.0.0.1', HTTP_ACCEPT_LANGUAGE='en').get('/no-such-page/'); "
        "print(r.status_code); print(r.content.decode())"
    )
    result = run_python(script, clean_environment(tmp_path))
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split("\n", 1)
    assert status == "404"
    assert "<h1>Page not found</h1>" in body
    for marker in URL_MAP_MARKERS:
        assert marker not in body


@override_settings(DEBUG=False)
def test_unknown_url_answers_the_plain_404_page(people):
    anonymous = Client(headers={"Accept-Language": "en"}).get("/no-such-page/")
    assert anonymous.status_code == 404
    assert "<h1>Page not found</h1>" in anonymous.content.decode()
    assert 'href="/contacts/"' not in anonymous.content.decode()

    signed_in = Client(headers={"Accept-Language": "en"})
    signed_in.force_login(people.owner)
    page = signed_in.get("/no-such-page/").content.decode()
    assert "<h1>Page not found</h1>" in page
    assert 'href="/contacts/"' in page
    for marker in URL_MAP_MARKERS:
        assert marker not in page


def test_500_page_needs_neither_request_context_nor_database():
    """No `db` fixture: pytest-django refuses any query, as a broken database would."""
    response = server_error(RequestFactory().get("/anything/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>服务器出错</h1>" in body
    assert '<h1 lang="en">Server error</h1>' in body
    assert 'href="/static/guanxi/guanxi.css"' in body


# --- static files and favicon -------------------------------------------------------------------


def test_static_css_is_served_by_the_application_with_debug_off(collected_static):
    response = Client().get("/static/guanxi/guanxi.css")
    assert response.status_code == 200
    assert response["Content-Type"] == 'text/css; charset="utf-8"'
    assert (
        b"".join(response.streaming_content)
        == (ROOT / "static" / "guanxi" / "guanxi.css").read_bytes()
    )
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_favicon_redirects_to_the_svg_and_pages_link_it(collected_static, people):
    redirect = Client().get("/favicon.ico")
    assert redirect.status_code == 302
    assert redirect["Location"] == "/static/guanxi/favicon.svg"
    icon = Client().get(redirect["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert b"".join(icon.streaming_content).startswith(b"<svg ")
    login_page = Client().get("/login/").content.decode()
    assert '<link rel="icon" href="/static/guanxi/favicon.svg" type="image/svg+xml">' in login_page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_guanxi_serve_with_defaults_serves_static_files_and_plain_errors(tmp_path):
    """What `make run` does, minus the demo data: collectstatic, then `guanxi serve`."""
    env = clean_environment(tmp_path)
    collect = subprocess.run(
        [str(GUANXI), "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(GUANXI), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = fetch(base + "/static/guanxi/guanxi.css")
                break
            except OSError:
                assert time.monotonic() < deadline, "guanxi serve did not start"
                time.sleep(0.2)
        assert status == 200
        assert headers["Content-Type"] == 'text/css; charset="utf-8"'
        assert body == (ROOT / "static" / "guanxi" / "guanxi.css").read_bytes()

        status, headers, body = fetch(base + "/favicon.ico")
        assert (status, headers["Content-Type"]) == (200, "image/svg+xml")

        status, _headers, body = fetch(base + "/no-such-page/")
        assert status == 404
        for marker in URL_MAP_MARKERS:
            assert marker.encode() not in body
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert os.listdir(tmp_path / "static")


# --- API token page -----------------------------------------------------------------------------


def test_token_page_shows_the_authorization_header_literally(people):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(people.owner)
    page = client.get("/settings/tokens/").content.decode()
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page
    assert "Bearer <token>" not in page


def test_token_page_refuses_anonymous_visitors_and_creates_nothing(people):
    response = Client().post("/settings/tokens/", {"name": "sneaky"})
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/settings/tokens/"
    assert ApiToken.objects.count() == 0
