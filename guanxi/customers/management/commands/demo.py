"""``guanxi demo [--contacts N] [--seed S]``: bilingual demo customers through the bulk path."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guanxi.customers import demo
from guanxi.customers.duplicates.scan import duplicates_scan
from guanxi.customers.models import Contact
from guanxi.platform.models import Team, User
from guanxi.platform.progress import ProgressBar
from guanxi.platform.selectors import system_actor
from guanxi.platform.services.users import (
    default_organization,
    team_create,
    team_set_managers,
    user_create,
)

SCAN_UP_TO = 50_000


class Command(BaseCommand):
    help = "Generate deterministic bilingual demo customers (default 2,000 contacts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contacts", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--only-if-empty", action="store_true", help="Do nothing when contacts exist."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["only_if_empty"] and Contact.objects.exists():
            return
        if options["contacts"] < 1:
            self.stderr.write("--contacts must be at least 1.")
            return
        org = default_organization()
        for spec in demo.demo_users():
            if User.objects.filter(username=spec["username"]).exists():
                continue
            team = Team.objects.filter(org=org, name=spec["team"]).first() or team_create(
                actor=None, org=org, name=spec["team"]
            )
            user = user_create(
                actor=None,
                username=spec["username"],
                password=None,
                org=org,
                role=spec["role"],
                team=team,
                first_name=spec["first_name"],
                last_name=spec["last_name"],
            )
            if spec["role"] == "manager" and not team.managers.exists():
                team_set_managers(actor=None, team=team, managers=[user])
        owner_ids = list(User.objects.filter(org=org, is_active=True).values_list("pk", flat=True))
        started = time.monotonic()
        bar = ProgressBar.for_command(self, "demo")

        def progress(stage: str, done: int, total: int) -> None:
            if done >= total:
                bar.stage = stage
                bar.stage_done(done, total)
            else:
                bar.update(done, total, stage)

        size = demo.generate(
            org_id=org.pk,
            owner_ids=owner_ids,
            contacts=options["contacts"],
            seed=options["seed"],
            progress=progress,
        )
        pairs = self._scan_duplicates(org.pk, size.contacts)
        self.stdout.write(
            f"Demo data: {size.contacts:,} contacts, {size.accounts:,} accounts, "
            f"{size.activities:,} activities, {pairs:,} possible duplicates "
            f"in {time.monotonic() - started:.1f} s."
        )

    def _scan_duplicates(self, org_id: int, contacts: int) -> int:
        """Fill the duplicate review queue of a demo small enough to scan in seconds (large
        benchmark loads scan with ``guanxi duplicates scan`` when they mean to)."""
        if contacts > SCAN_UP_TO:
            return 0
        try:
            actor = system_actor(org_id)
        except LookupError:
            return 0
        return int(duplicates_scan(actor=actor, entity="contact")["pairs"])
