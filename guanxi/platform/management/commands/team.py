"""``guanxi team create NAME [--manager USER]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.core.errors import GuanxiError
from guanxi.platform.models import User
from guanxi.platform.services.users import default_organization, team_create


class Command(BaseCommand):
    help = "Create teams."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a team.")
        create.add_argument("name")
        create.add_argument(
            "--manager", action="append", default=[], help="User name; may be given twice."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = default_organization()
        managers = []
        for username in options["manager"]:
            manager = User.objects.filter(org=org, username=username).first()
            if manager is None:
                raise CommandError(f"No user named {username!r}.")
            managers.append(manager)
        try:
            team = team_create(actor=None, org=org, name=options["name"], managers=managers)
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Team {team.name!r} created.")
