"""``guanxi demo_sales``: leads and deals for the demo organisation (run by ``guanxi setup``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guanxi.platform.services.users import default_organization
from guanxi.sales.demo import describe, generate
from guanxi.sales.models import Lead


class Command(BaseCommand):
    help = "Generate demo leads and opportunities (deterministic for a seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--only-if-empty", action="store_true", help="Do nothing when leads exist."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["only_if_empty"] and Lead.objects.exists():
            return
        size = generate(org_id=default_organization().pk, seed=options["seed"])
        self.stdout.write(describe(size))
