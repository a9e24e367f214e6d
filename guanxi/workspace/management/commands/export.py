"""``guanxi export contacts|accounts --format csv|xlsx|vcf [--q TEXT] [--as USER]``: the list as a
file on stdout (``> 联系人.csv``), with the same filters, visibility and audit as the web page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.core.errors import GuanxiError
from guanxi.customers.regions import province_name
from guanxi.platform.exports.registry import registered_exporters
from guanxi.platform.exports.services import FORMATS, export_start
from guanxi.platform.models import User
from guanxi.platform.selectors import command_actor


class Command(BaseCommand):
    help = "Write a filtered list (contacts, accounts) as CSV, XLSX or vCard to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(e.kind for e in registered_exporters()))
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--q", default="", help="Search text, as in the list's search box.")
        parser.add_argument("--tag", default="")
        parser.add_argument("--province", default="")
        parser.add_argument("--owner", default="", help="User name of the owner.")
        parser.add_argument("--as", dest="username", help="User the export acts as.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["username"])
        owner_id = None
        if options["owner"]:
            owner = User.objects.filter(org_id=actor.org_id, username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No user named {options['owner']!r}.")
            owner_id = owner.pk
        filters = {
            "q": options["q"][:100],
            "tag": options["tag"],
            "province": province_name(options["province"]),
            "owner_id": owner_id,
            "sort": "id",
        }
        try:
            stream = export_start(
                actor=actor, kind=options["kind"], format=options["format"], filters=filters
            )
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc
        # Bytes, not text: an XLSX file is binary and a CSV starts with a byte-order mark.
        out: Any = getattr(self.stdout._out, "buffer", self.stdout._out)
        try:
            for chunk in stream.chunks:
                out.write(chunk)
            out.flush()
        except BrokenPipeError:  # `guanxi export ... | head`: the reader has what it wanted
            stream.chunks.close()
            return
        self.stderr.write(f"{stream.rows_written:,} rows exported.")
