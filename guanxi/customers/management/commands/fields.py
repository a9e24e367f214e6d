"""``guanxi fields add|list|archive``: custom fields of contacts and accounts from the shell.

``add contact KEY --kind KIND --label LABEL [--choices "A,B,C"]`` prints ``added contact field
KEY (KIND): LABEL``; ``list [contact|account]`` prints one tab-separated line per active field:
entity, key, kind, label, options (comma-separated, empty unless a choice).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.core.errors import GuanxiError
from guanxi.customers.models import CustomField, CustomFieldEntity, CustomFieldKind
from guanxi.customers.services.custom_fields import custom_field_add, custom_field_archive
from guanxi.platform.selectors import command_actor


def _options(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,，、]", raw or "") if part.strip()]


def _failure(exc: GuanxiError) -> CommandError:
    details = [f"{field}: {'; '.join(messages)}" for field, messages in exc.field_errors.items()]
    return CommandError("; ".join(details) or exc.message)


class Command(BaseCommand):
    help = "Add, list or archive custom fields of contacts and accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a field (administrators).")
        add.add_argument("entity", choices=CustomFieldEntity.values)
        add.add_argument("key", help="Lower-case ASCII key, e.g. member_no.")
        add.add_argument("--kind", required=True, choices=CustomFieldKind.values)
        add.add_argument("--label", required=True, help="What forms and pages show.")
        add.add_argument("--choices", default="", help='Options of a choice: "A,B,C".')
        add.add_argument("--as", dest="username", help="Who adds it (default: an administrator).")
        listing = actions.add_parser("list", help="List the active fields.")
        listing.add_argument("entity", nargs="?", choices=CustomFieldEntity.values)
        listing.add_argument("--as", dest="username", help="Whose organisation (default: admin).")
        archive = actions.add_parser("archive", help="Archive a field (values stay stored).")
        archive.add_argument("entity", choices=CustomFieldEntity.values)
        archive.add_argument("key")
        archive.add_argument("--as", dest="username", help="Who archives it.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["username"])
        try:
            getattr(self, f"_{options['action']}")(actor, options)
        except GuanxiError as exc:
            raise _failure(exc) from exc

    def _add(self, actor: Any, options: dict[str, Any]) -> None:
        field = custom_field_add(
            actor=actor,
            entity=options["entity"],
            key=options["key"],
            kind=options["kind"],
            label=options["label"],
            choices=_options(options["choices"]),
        )
        self.stdout.write(f"added {field.entity} field {field.key} ({field.kind}): {field.label}")

    def _list(self, actor: Any, options: dict[str, Any]) -> None:
        fields = CustomField.objects.filter(org_id=actor.org_id, archived=False)
        if options["entity"]:
            fields = fields.filter(entity=options["entity"])
        for field in fields.order_by("entity", "position", "id"):
            choices = ",".join(field.choices or [])
            self.stdout.write(
                f"{field.entity}\t{field.key}\t{field.kind}\t{field.label}\t{choices}"
            )

    def _archive(self, actor: Any, options: dict[str, Any]) -> None:
        field = CustomField.objects.filter(
            org_id=actor.org_id, entity=options["entity"], key=options["key"]
        ).first()
        if field is None:
            raise CommandError(f"No {options['entity']} field {options['key']!r}.")
        custom_field_archive(actor=actor, field=field)
        self.stdout.write(f"archived {field.entity} field {field.key}")
