"""Backups of the PostgreSQL database with pg_dump (custom format) and their restore.

`manage.py backup_database` writes `outreach-<UTC time>.dump` and reads it back with
`pg_restore --list` before it says it is done; `manage.py restore_database FILE --database NAME`
restores it into a NEW database (never over one that exists). The drill test
(tests/outreach/test_backup_restore.py) backs up, writes more, restores and compares.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _libpq_env(settings_dict: dict) -> dict[str, str]:
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _postgres(alias: str) -> dict:
    settings_dict = connections[alias].settings_dict
    if connections[alias].vendor != "postgresql":
        raise BackupError("backups are made of a PostgreSQL database (DATABASE_URL)")
    return settings_dict


def _run(cmd: list[str], env: dict[str, str]) -> str:
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if run.returncode:
        raise BackupError(f"{cmd[0]} failed: {run.stderr.strip()[-800:]}")
    return run.stdout


def backup(output_dir: Path, *, alias: str = "default") -> Path:
    """Dump the database to a new file in `output_dir`; return its path."""
    settings_dict = _postgres(alias)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = output_dir / f"outreach-{stamp}.dump"
    partial = path.with_suffix(".dump.partial")
    env = _libpq_env(settings_dict)
    _run(["pg_dump", "--format=custom", f"--file={partial}", settings_dict["NAME"]], env)
    listing = _run(["pg_restore", "--list", str(partial)], env)
    if "TABLE DATA" not in listing:
        raise BackupError(f"{partial} holds no table data")
    partial.rename(path)  # only a complete, readable dump gets the final name
    return path


def restore(path: Path, *, database: str, alias: str = "default") -> None:
    """Create `database` (it must not exist) and restore the dump into it."""
    settings_dict = _postgres(alias)
    env = _libpq_env(settings_dict)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone():
            raise BackupError(f"database {database!r} exists: restore only into a new one")
    _run(["createdb", database], env)
    _run(
        ["pg_restore", "--exit-on-error", "--no-owner", f"--dbname={database}", str(path)],
        env,
    )
