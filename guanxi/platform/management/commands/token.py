"""``guanxi token create USERNAME [--name NAME]``: prints a new API token alone on the last line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.core.errors import GuanxiError
from guanxi.platform.models import ApiToken, User
from guanxi.platform.services.tokens import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="command line")
        listing = sub.add_parser("list", help="List a user's tokens.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("username")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        try:
            if options["action"] == "create":
                token, raw = api_token_create(actor=user, user=user, name=options["name"])
                self.stderr.write(f"Token {token.name!r} for {user.username}; it is shown once:")
                self.stdout.write(raw)
            elif options["action"] == "list":
                for token in ApiToken.objects.filter(user=user).order_by("created_at"):
                    state = "revoked" if token.revoked_at else "active"
                    used = token.last_used_at.isoformat() if token.last_used_at else "never"
                    self.stdout.write(f"{token.prefix}…\t{token.name}\t{state}\tlast used {used}")
            else:
                found = ApiToken.objects.filter(user=user, prefix__startswith=options["prefix"])
                if found.count() != 1:
                    raise CommandError("The prefix must match exactly one token of this user.")
                api_token_revoke(actor=user, token=found.get())
                self.stdout.write("revoked")
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc
