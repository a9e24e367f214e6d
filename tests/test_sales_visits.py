"""Field visits (外勤签到): a check-in with the browser's location and a photo lands on the
customer's timeline and in the manager's day list; the photo is an image or nothing, and shows
only to those who may see the visit; erasing the person erases their visits and photos."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from guanxi.core.errors import NotFoundError, ServiceValidationError
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create
from guanxi.platform.models import AuditEvent
from guanxi.sales.models import Visit
from guanxi.sales.services.visits import photo_path, visit_check_in
from tests import import_support

pytestmark = pytest.mark.usefixtures("english", "data_dir")
data_dir = import_support.data_dir


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_check_in_from_the_page(people: Any) -> None:
    account = account_create(actor=people.owner, name="恒通汽车")
    contact = contact_create(actor=people.owner, name="赵总", account=account)
    rep = _client(people.owner)
    answer = rep.post(
        f"/visits/new/?contact={contact.public_id}",
        {
            "latitude": "31.230416",
            "longitude": "121.473701",
            "accuracy": "12",
            "note": "演示了收银系统",
            "photo": SimpleUploadedFile("门店.png", tiny_png(), content_type="image/png"),
        },
    )
    assert answer.status_code == 302
    visit = Visit.objects.get()
    assert (str(visit.latitude), str(visit.longitude), visit.accuracy_m, visit.account_id) == (
        "31.230416",
        "121.473701",
        12,
        account.pk,
    )
    assert photo_path(visit.photo).read_bytes() == tiny_png()
    event = AuditEvent.objects.get(verb="sales.visit.checked_in")
    assert (event.subject_id, event.changes["note"]["after"]) == (contact.pk, "演示了收银系统")
    photo = rep.get(f"/visits/{visit.public_id}/photo/")
    assert (photo.status_code, photo["Content-Type"]) == (200, "image/png")
    day = _client(people.manager).get("/visits/", headers={"Accept-Language": "en"})
    html = day.content.decode()
    assert "赵总" in html and "31.230416, 121.473701 (±12 m)" in html


def test_bad_input_and_privacy(people: Any, data_dir: Path) -> None:
    secret = contact_create(actor=people.owner, name="私人客户", visibility="owner")
    for fields in (
        {"photo": b"MZ\x90\x00 not an image"},
        {"latitude": "91", "longitude": "0"},
        {"latitude": "30"},
    ):
        with pytest.raises(ServiceValidationError):
            visit_check_in(actor=people.owner, contact=secret, **fields)
    assert Visit.objects.count() == 0
    assert list(data_dir.glob("visits/*")) == []
    visit = visit_check_in(actor=people.owner, contact=secret, photo=tiny_png(), note="见面")
    outsider = _client(people.outsider)
    assert outsider.get(f"/visits/{visit.public_id}/photo/").status_code == 404
    assert "私人客户" not in outsider.get("/visits/").content.decode()
    assert outsider.get(f"/visits/new/?contact={secret.public_id}").status_code == 404
    with pytest.raises(NotFoundError):
        visit_check_in(actor=people.outsider, contact=secret)
