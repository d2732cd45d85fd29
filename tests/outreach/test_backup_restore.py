"""The restore drill (issue 18, item 4): back up, write more, restore into a fresh database and
find what was backed up, the audit log's append-only trigger and the history tables."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from careplans.services import careplan_create
from tests.factories import ClientFactory, ContactFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump backups are of PostgreSQL (DATABASE_URL)"
)


def _tables() -> list[str]:
    models = apps.get_models(include_auto_created=True)
    return sorted({m._meta.db_table for m in models} | {"django_migrations"})


def _connect(database: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=database,
        autocommit=True,
    )


def _counts(conn) -> dict[str, int]:
    counts = {}
    with conn.cursor() as cursor:
        for table in _tables():
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - model tables
            counts[table] = cursor.fetchone()[0]
    return counts


def _drop(database: str) -> None:
    with _connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_restores_everything_with_the_audit_trigger_and_history(
    team_client, worker, origin, tmp_path, capsys
):
    careplan_create(episode=team_client.episodes.get(), author=worker, origin=origin)
    for _ in range(3):
        ContactFactory(client=team_client)
    live = connection.settings_dict["NAME"]
    with _connect(live) as conn:
        backed_up = _counts(conn)
    assert backed_up["outreach_auditevent"] > 0
    assert backed_up["careplans_historicalcareplan"] > 0
    assert backed_up["outreach_contact"] == 3

    call_command("backup_database", output_dir=str(tmp_path))
    (dump,) = tmp_path.glob("outreach-*.dump")
    assert str(dump) in capsys.readouterr().out
    # Written after the backup: not in what is restored.
    ClientFactory(team=team_client.team)
    ContactFactory(client=team_client)

    restored = f"{live}_restore_drill"
    _drop(restored)
    try:
        call_command("restore_database", str(dump), database=restored)
        with _connect(restored) as conn:
            assert _counts(conn) == backed_up
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute("UPDATE outreach_auditevent SET action = 'tampered'")
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute("DELETE FROM outreach_auditevent")
            rows = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '%%historical%%'"
            ).fetchone()[0]
            assert rows == sum(1 for t in _tables() if "historical" in t) > 0
            migrations = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
            assert migrations == backed_up["django_migrations"]
        with _connect(live) as conn:
            assert _counts(conn)["outreach_contact"] == 4  # the live database went on
    finally:
        _drop(restored)


@pytest.mark.django_db(transaction=True)
def test_restore_never_overwrites_a_database(tmp_path):
    live = connection.settings_dict["NAME"]
    call_command("backup_database", output_dir=str(tmp_path))
    (dump,) = tmp_path.glob("outreach-*.dump")
    with pytest.raises(CommandError, match="exists: restore only into a new one"):
        call_command("restore_database", str(dump), database=live)
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore_database", str(Path(tmp_path) / "none.dump"), database="x")
