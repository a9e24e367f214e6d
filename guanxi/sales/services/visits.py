"""Checking in at a customer's (外勤签到): the place the phone's browser reported, a photo and a
note, written on the customer's timeline. The photo is checked to be an image by its first bytes
(not its name) and kept under ``GUANXI_DATA_DIR/visits/`` under a name the server chooses."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.customers.models import Account, Contact
from guanxi.platform.records import require_permission, require_visible
from guanxi.platform.services.audit import audit_record
from guanxi.platform.visibility import can_see
from guanxi.sales.models import Visit
from guanxi.sales.permissions import SalesPermission

_error = ServiceValidationError.for_field
MAX_PHOTO_BYTES = 8 * 1024 * 1024
IMAGE_KINDS = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"RIFF", "webp"))


def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _error(field, _("Not a coordinate.")) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise _error(field, _("Not a coordinate."))
    return number.quantize(Decimal("0.000001"))


def _photo_kind(data: bytes) -> str:
    for magic, extension in IMAGE_KINDS:
        if data.startswith(magic) and (extension != "webp" or data[8:12] == b"WEBP"):
            return extension
    raise _error("photo", _("The photo must be a JPEG, PNG or WebP image."))


def photo_path(relative: str) -> Path:
    """The photo's file, refused if the stored name would lead outside the data directory."""
    root = Path(settings.DATA_DIR).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"A visit photo outside the data directory: {relative!r}")
    return path


@transaction.atomic
def visit_check_in(
    *,
    actor: Any,
    contact: Contact | None = None,
    account: Account | None = None,
    latitude: Any = None,
    longitude: Any = None,
    accuracy_m: Any = None,
    photo: bytes | None = None,
    note: str = "",
) -> Visit:
    require_permission(actor, SalesPermission.CHANGE_OPPORTUNITIES)
    if contact is None and account is None:
        raise _error("contact_id", _("Check in at a contact or a company."))
    for record in (contact, account):
        if record is not None:
            require_visible(actor, record)
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lng is None):
        raise _error("latitude", _("Give both latitude and longitude, or neither."))
    accuracy = None
    if accuracy_m not in (None, ""):
        try:
            metres = Decimal(str(accuracy_m))
        except InvalidOperation:
            raise _error("accuracy_m", _("Not a distance in metres.")) from None
        if not metres.is_finite():
            raise _error("accuracy_m", _("Not a distance in metres."))
        accuracy = int(max(Decimal(0), min(metres, Decimal(1_000_000))))
    note = " ".join(str(note or "").split())
    if len(note) > 500:
        raise _error("note", _("At most %(count)s characters.") % {"count": 500})
    relative = ""
    if photo:
        if len(photo) > MAX_PHOTO_BYTES:
            raise _error("photo", _("The photo is larger than 8 MB."))
        relative = f"visits/{uuid.uuid4().hex}.{_photo_kind(photo)}"
        target = photo_path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(photo)
    if account is None and contact is not None and contact.account_id:
        company = contact.account
        account = company if company is not None and can_see(actor, company) else None
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                org_id=actor.org_id,
                owner=actor,
                team_id=actor.team_id,
                created_by=actor,
                contact=contact,
                account=account,
                checked_in_at=timezone.now(),
                latitude=lat,
                longitude=lng,
                accuracy_m=accuracy,
                photo=relative,
                note=note,
            )
            location = f"{lat},{lng}" if lat is not None else None
            audit_record(
                actor=actor,
                verb="sales.visit.checked_in",
                target=visit,
                subject=contact or account,
                changes={
                    "note": {"before": None, "after": note},
                    "location": {"before": None, "after": location},
                    "photo": {"before": None, "after": bool(relative)},
                },
            )
    except BaseException:
        if relative:
            photo_path(relative).unlink(missing_ok=True)
        raise
    return visit
