"""`manage.py restore_database FILE --database NAME`: restore a dump into a new database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outreach.ops import backup


class Command(BaseCommand):
    help = "Restore a backup_database dump into a NEW database on the same server."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", required=True, help="name of the new database")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            backup.restore(path, database=options["database"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {path} into {options['database']}")
