"""``guanxi export contacts|accounts --format csv|xlsx|vcf [--q TEXT] [--as USER]`` to stdout."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent

BOM = "\ufeff".encode()


@pytest.fixture
def shop(people: Any) -> None:
    secret = account_create(actor=people.owner, name="保密公司", visibility="owner")
    contact_create(actor=people.owner, name="张伟", phones=["13800138001"], account=secret)
    contact_create(actor=people.owner, name="李娜", tags=["vip"], visibility="team")
    contact_create(actor=people.outsider, name="王芳", visibility="owner")


def _run(*args: str) -> tuple[bytes, str]:
    """The command's stdout as bytes (through a text stream's ``buffer``, as a terminal's)."""
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    stderr = io.StringIO()
    call_command("export", *args, stdout=stdout, stderr=stderr)
    stdout.flush()
    return raw.getvalue(), stderr.getvalue()


def _names(data: bytes) -> list[str]:
    return [line.split(",")[0] for line in data.removeprefix(BOM).decode().split("\r\n")[1:-1]]


def test_contacts_as_csv_on_stdout_for_the_first_administrator(people: Any, shop: None) -> None:
    data, report = _run("contacts", "--format", "csv")
    assert data.startswith(BOM)
    assert _names(data) == ["张伟", "李娜", "王芳"]
    assert report == "3 rows exported.\n"
    event = AuditEvent.objects.get(verb="platform.export.created")
    assert (event.actor, event.changes["format"]) == (people.admin, "csv")


def test_as_a_user_exports_what_they_see(people: Any, shop: None) -> None:
    data, _report = _run("contacts", "--as", "outsider")
    assert _names(data) == ["张伟", "王芳"]
    assert "保密公司".encode() not in data
    accounts, _report = _run("accounts", "--as", "outsider")
    assert _names(accounts) == []


def test_filters_on_the_command_line(people: Any, shop: None) -> None:
    assert _names(_run("contacts", "--q", "李娜")[0]) == ["李娜"]
    assert _names(_run("contacts", "--tag", "vip")[0]) == ["李娜"]
    assert _names(_run("contacts", "--owner", "outsider")[0]) == ["王芳"]
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        _run("contacts", "--owner", "nobody")


def test_xlsx_and_vcards_are_written_as_bytes(people: Any, shop: None) -> None:
    xlsx, _report = _run("contacts", "--format", "xlsx", "--as", "owner")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["张伟", "李娜"]
    cards, _report = _run("accounts", "--format", "vcf", "--as", "owner")
    assert cards.decode().startswith("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:保密公司\r\n")


def test_refusals_write_nothing(people: Any, shop: None) -> None:
    with pytest.raises(CommandError, match="No active user named 'ghost'"):
        _run("contacts", "--as", "ghost")
    with pytest.raises(CommandError):
        _run("contacts", "--as", "reader")
    with pytest.raises(CommandError):
        _run("orders")
    assert not AuditEvent.objects.filter(verb__startswith="platform.export").exists()
