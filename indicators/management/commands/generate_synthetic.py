"""Generate a realistic synthetic caseload into the database, or as import files."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.dataio import synthetic
from outreach.origin import Origin


class Command(BaseCommand):
    help = (
        "Generate N synthetic clients with ~2 years of history each (deterministic for a seed), "
        "into the database or, with --csv DIR, as files in the import format."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, required=True, metavar="S")
        parser.add_argument("--teams", type=int, default=None, metavar="T")
        parser.add_argument("--csv", metavar="DIR", help="Write import files instead.")
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        clients = options["clients"]
        if clients < 1:
            raise CommandError("--clients must be at least 1.")
        # About 45 clients per team (a team's usual capacity) unless told otherwise.
        teams = options["teams"] or max(1, round(clients / 45))
        if teams < 1 or teams > clients:
            raise CommandError("--teams must be between 1 and the number of clients.")
        started = time.perf_counter()
        if options["csv"]:
            counts = synthetic.write_csv(
                options["csv"], clients=clients, seed=options["seed"], teams=teams
            )
        else:
            log = None if options["json"] else (lambda m: self.stderr.write(m))
            counts = synthetic.write_db(
                clients=clients,
                seed=options["seed"],
                teams=teams,
                log=log,
                origin=Origin.system("generate_synthetic"),
            )
        elapsed = time.perf_counter() - started
        total = sum(counts.values())
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "rows": total,
                        "teams": teams,
                        "anchor": synthetic.Generator(seed=0, teams=1).anchor.isoformat(),
                        "seconds": round(elapsed, 3),
                        "tables": counts,
                    }
                )
            )
            return
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} rows for {clients} clients in {teams} team(s), {elapsed:.1f} s"
            )
        )
