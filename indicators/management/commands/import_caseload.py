"""Import a team's caseload history from the CSV files of IMPORT_FORMAT.md."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.dataio.importer import ImportFailed, import_dir
from outreach.origin import Origin


class Command(BaseCommand):
    help = "Import the caseload CSV files in DIR into a team (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--team", required=True, metavar="SLUG")
        parser.add_argument(
            "--municipality",
            metavar="MSLUG",
            help="Create the team (and the municipality) in this municipality if it is missing.",
        )
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = import_dir(
                options["directory"],
                options["team"],
                options["municipality"],
                origin=Origin.system("import_caseload"),
            )
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s); nothing was imported.", returncode=1
            ) from None
        elapsed = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(json.dumps({**result.as_dict(), "seconds": round(elapsed, 3)}))
            return
        for name in result.created:
            self.stdout.write(
                f"{name}: {result.created[name]} created, {result.updated[name]} updated, "
                f"{result.unchanged[name]} unchanged"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.rows} rows into team {result.team.slug} in {elapsed:.2f} s."
            )
        )
