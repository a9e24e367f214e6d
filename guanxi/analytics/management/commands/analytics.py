"""``guanxi analytics refresh [--as-of DATE]`` and ``guanxi analytics report [--json]``."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.analytics.explain import fit_message_text
from guanxi.analytics.report import latest_report
from guanxi.analytics.services.refresh import scores_refresh
from guanxi.core.errors import GuanxiError
from guanxi.platform.progress import ProgressBar
from guanxi.platform.selectors import command_actor


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of wants a date such as 1997-09-30, not {text!r}.") from None


class Command(BaseCommand):
    help = "Recompute customer scores (refresh) or print the latest results (report)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh", "report"])
        parser.add_argument("--as-of", help="End of the calibration period (default: today).")
        parser.add_argument("--as", dest="username", help="User the refresh acts as.")
        parser.add_argument(
            "--follow-up-tasks",
            action="store_true",
            help="Create a task for the owner of each customer at risk (once a month each).",
        )
        parser.add_argument("--json", action="store_true", help="report: print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["username"])
        if options["action"] == "report":
            self._report(int(actor.org_id or 0), as_json=options["json"])
            return
        bar = ProgressBar.for_command(self, "refresh")
        try:
            refresh = scores_refresh(
                actor=actor,
                as_of=_date(options["as_of"]) if options["as_of"] else None,
                follow_up_tasks=True if options["follow_up_tasks"] else None,
                progress=lambda stage, done, total: bar.update(done, total, stage),
            )
        except GuanxiError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.finish()
        self.stdout.write(
            f"Scores refreshed for {refresh.customers:,} customers ({refresh.buyers:,} buyers) "
            f"as of {refresh.as_of} in {refresh.seconds:.1f} s."
        )
        for message in refresh.messages:
            self.stdout.write(f"  {fit_message_text(message)}")

    def _report(self, org_id: int, *, as_json: bool) -> None:
        report = latest_report(org_id)
        if report is None:
            raise CommandError("No scores yet: run `guanxi analytics refresh` first.")
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for key, value in report.items():
            self.stdout.write(f"{key}: {json.dumps(value, ensure_ascii=False)}")
