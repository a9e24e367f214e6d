"""``guanxi user create|list|deactivate``: staff accounts from the shell.

``create`` prints a one-time password alone on the last line (for scripts to pick up), unless
``--password-stdin`` gave one; the person should change it after signing in.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.core.errors import GuanxiError
from guanxi.platform.models import Team, User
from guanxi.platform.roles import Role
from guanxi.platform.services.users import (
    default_organization,
    user_create,
    user_set_active,
    username_is_free,
)


class Command(BaseCommand):
    help = "Create, list or deactivate users."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a user and print a one-time password.")
        create.add_argument("username")
        create.add_argument("--role", required=True, help=", ".join(Role.values))
        create.add_argument("--team", required=True, help="Team name")
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )
        sub.add_parser("list", help="List users.")
        deactivate = sub.add_parser("deactivate", help="Stop a user's sign-ins and API tokens.")
        deactivate.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, options: dict[str, Any]) -> None:
        org = default_organization()
        if options["role"] not in Role.values:
            raise CommandError(
                f"Unknown role {options['role']!r}; choose one of {', '.join(Role.values)}."
            )
        team = Team.objects.filter(org=org, name=options["team"]).first()
        if team is None:
            raise CommandError(f"No team named {options['team']!r}.")
        if not username_is_free(options["username"]):
            raise CommandError(f"The user name {options['username']!r} is taken.")
        stdin = options.get("stdin") or sys.stdin
        given = stdin.readline().rstrip("\r\n") if options["password_stdin"] else None
        if options["password_stdin"] and not given:
            raise CommandError("No password on standard input.")
        password = given or secrets.token_urlsafe(12)
        user = user_create(
            actor=None,
            username=options["username"],
            password=password,
            org=org,
            role=options["role"],
            team=team,
            email=options["email"],
            check_password=given is not None,
        )
        self.stderr.write(f"User {user.username!r} created ({user.get_role_display()}).")
        if given is None:
            self.stdout.write("One-time password (shown once; change it after signing in):")
            self.stdout.write(password)

    def _list(self, options: dict[str, Any]) -> None:
        rows = [("username", "name", "role", "team", "active")]
        users = User.objects.select_related("team").order_by("username")
        for user in users:
            team = user.team.name if user.team else "-"
            active = "yes" if user.is_active else "no"
            rows.append((user.username, user.display_name, user.role, team, active))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )

    def _deactivate(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        user_set_active(actor=None, user=user, active=False)
        self.stdout.write(f"{user.username} deactivated: sign-ins and API tokens stop now.")
