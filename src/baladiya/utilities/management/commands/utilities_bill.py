"""Run (or resume) postpaid billing for a cycle from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baladiya.core.api import branch_by_code
from baladiya.utilities import selectors, services


class Command(BaseCommand):
    help = "Bill a cycle (e.g. --utility water --cycle 2026-01); run again to resume."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--utility", required=True, choices=["water", "electricity"])
        parser.add_argument("--cycle", required=True, help="cycle code, e.g. 2026-01")
        parser.add_argument("--branch", default="", help="branch code")
        parser.add_argument("--zone", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = selectors.cycles(options["utility"]).filter(code=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"No {options['utility']} cycle {options['cycle']}.")
        branch = branch_by_code(options["branch"]) if options["branch"] else None
        if options["branch"] and branch is None:
            raise CommandError(f"No branch {options['branch']}.")
        run = services.start_billing_run(
            actor=None, cycle=cycle, branch=branch, zone=options["zone"]
        )
        run = services.execute_billing_run(run_id=run.pk)
        self.stdout.write(
            f"{cycle}: {run.billed} billed, {run.skipped} held back for review (run {run.pk})."
        )
