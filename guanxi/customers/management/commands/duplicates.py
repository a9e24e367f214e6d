"""``guanxi duplicates scan [--entity contacts|accounts]`` and
``guanxi duplicates pairs --format csv [--entity contacts|accounts]``.

The scan replaces the open pairs (decided ones stay); ``pairs`` prints
``a_external_id,b_external_id,score,decision`` for every open pair the user may see, best first.
A record without an external id (accounts have none) is written by its public id.
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.core.errors import GuanxiError
from guanxi.customers.duplicates.scan import duplicates_scan
from guanxi.customers.duplicates.selectors import duplicate_pairs, entity_of
from guanxi.customers.models import Account, Contact
from guanxi.platform.progress import ProgressBar
from guanxi.platform.selectors import command_actor

ENTITY_CHOICES = ("contacts", "accounts", "contact", "account")


class Command(BaseCommand):
    help = "Find possible duplicate contacts or accounts, and list the pairs found."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        scan = actions.add_parser("scan", help="Scan every record you may see.")
        pairs = actions.add_parser("pairs", help="Print the open pairs.")
        pairs.add_argument("--format", choices=("csv",), default="csv")
        for sub in (scan, pairs):
            sub.add_argument("--entity", choices=ENTITY_CHOICES, default="contacts")
            sub.add_argument("--as", dest="username", help="Who acts (default: an administrator).")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["username"])
        entity = entity_of(options["entity"])
        try:
            if options["action"] == "scan":
                self._scan(actor, entity)
            else:
                self._pairs(actor, entity)
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc

    def _scan(self, actor: Any, entity: str) -> None:
        bar = ProgressBar.for_command(self, "load")
        counts = duplicates_scan(
            actor=actor,
            entity=entity,
            progress=lambda stage, done, total: bar.update(done, total, stage),
        )
        bar.finish()
        self.stdout.write(
            f"pairs found: {counts['pairs']}, certain: {counts['certain']}, "
            f"review: {counts['review']}"
        )

    def _pairs(self, actor: Any, entity: str) -> None:
        pairs = list(
            duplicate_pairs(actor, entity).values_list("first_id", "second_id", "score", "decision")
        )
        ids = {pk for first, second, _score, _decision in pairs for pk in (first, second)}
        names = _external_ids(entity, ids)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["a_external_id", "b_external_id", "score", "decision"])
        for first, second, score, decision in pairs:
            writer.writerow([names[first], names[second], f"{score:.4f}", decision])


def _external_ids(entity: str, ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 20_000):
        chunk = ordered[start : start + 20_000]
        if entity == "contact":
            rows = Contact.objects.filter(pk__in=chunk).values_list(
                "pk", "external_id", "public_id"
            )
            found.update({pk: external or str(public) for pk, external, public in rows})
        else:
            found.update(
                {
                    pk: str(public)
                    for pk, public in Account.objects.filter(pk__in=chunk).values_list(
                        "pk", "public_id"
                    )
                }
            )
    return found
