"""Compute and store the indicator snapshot of one period and scope."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators import planner, services
from indicators.engine import ScopeNotFound
from indicators.periods import Period, Scope


class Command(BaseCommand):
    help = (
        "Compute (and store as the draft snapshot) the indicators of INDICATORS.md for a period "
        "and a team, a municipality or everything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period", required=True, help="A quarter (2026-Q3) or month (2026-07)."
        )
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--team", metavar="SLUG", help="Only this team's clients.")
        which.add_argument("--municipality", metavar="SLUG", help="All teams of a municipality.")
        parser.add_argument(
            "--json", action="store_true", help="Print {period, scope, indicators} as JSON."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["team"]:
            scope = Scope.team(options["team"])
        elif options["municipality"]:
            scope = Scope.municipality(options["municipality"])
        else:
            scope = Scope.everything()
        planner.ensure_statistics()  # plans from real statistics, not guesses (planner.py)
        try:
            snapshot = services.snapshot_compute(period=period, scope=scope)
        except (ScopeNotFound, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            payload = {"period": str(period), "scope": str(scope), "indicators": snapshot.values}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Computed {period} for {scope}: snapshot {snapshot.pk}, version {snapshot.version} "
                f"({snapshot.get_status_display()}), {len(snapshot.values)} values"
                + (f", to date as of {snapshot.as_of.isoformat()}." if snapshot.is_to_date else ".")
            )
