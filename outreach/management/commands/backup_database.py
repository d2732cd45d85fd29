"""`manage.py backup_database [--output-dir DIR]`: a pg_dump of the database (custom format)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outreach.ops import backup


class Command(BaseCommand):
    help = "Dump the PostgreSQL database (pg_dump custom format) into a new file."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default=str(settings.VAR_DIR / "backups"))

    def handle(self, *args, **options):
        try:
            path = backup.backup(Path(options["output_dir"]))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path} ({path.stat().st_size} bytes)")
