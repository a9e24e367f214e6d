"""``guanxi demo_orders``: purchase history for the demo customers, then one score refresh."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guanxi.analytics.demo import generate_orders
from guanxi.analytics.services.refresh import scores_refresh
from guanxi.commerce.models import Order
from guanxi.customers.models import Contact
from guanxi.platform.progress import ProgressBar
from guanxi.platform.services.users import default_organization


class Command(BaseCommand):
    help = "Generate two years of demo orders for the demo customers and compute their scores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--only-if-empty", action="store_true", help="Do nothing when orders exist."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["only_if_empty"] and Order.objects.exists():
            return
        org = default_organization()
        contact_ids = list(
            Contact.objects.filter(org=org, deleted_at__isnull=True)
            .order_by("id")
            .values_list("pk", flat=True)
        )
        written = generate_orders(org_id=org.pk, contact_ids=contact_ids, seed=options["seed"])
        bar = ProgressBar.for_command(self, "scores")
        refresh = scores_refresh(
            actor=None,
            org_id=org.pk,
            progress=lambda stage, done, total: bar.update(done, total, stage),
        )
        bar.finish()
        self.stdout.write(
            f"Demo orders: {written:,}; scores for {refresh.customers:,} customers "
            f"({refresh.buyers:,} buyers) in {refresh.seconds:.1f} s."
        )
