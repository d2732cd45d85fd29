"""The importer analyses the tables it loaded (PostgreSQL): the engine never meets a freshly
imported caseload without planner statistics (issue 14, item 6; autovacuum may be off)."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from indicators.dataio.importer import import_dir
from indicators.dataio.synthetic import write_csv
from outreach.models import Client, Contact, Episode
from referrals.models import Referral
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _analyze_counts(tables: list[str]) -> dict[str, tuple[int, object]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname, analyze_count, last_analyze FROM pg_stat_user_tables"
            " WHERE relname = ANY(%s)",
            [tables],
        )
        return {name: (count, last) for name, count, last in cursor.fetchall()}


def test_import_analyses_every_table_it_loaded(tmp_path, origin):
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE and pg_stat_user_tables are PostgreSQL's")
    MunicipalityFactory(slug="sofia", name="Sofia")
    written = write_csv(tmp_path, clients=12, seed=5)
    assert written["contacts.csv"] > 0
    loaded = [m._meta.db_table for m in (Client, Contact, Contact.staff.through, Episode, Referral)]
    before = _analyze_counts(loaded)

    result = import_dir(tmp_path, "imported", "sofia", origin=origin)

    assert set(loaded) <= result.tables
    after = _analyze_counts(sorted(result.tables))
    assert set(after) == result.tables
    for table in result.tables:
        count, last = after[table]
        assert last is not None, table
        assert count > before.get(table, (0, None))[0], table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s", [Contact._meta.db_table]
        )
        assert cursor.fetchone()[0] == Contact.objects.count()  # the statistics are the data's


def test_failed_import_analyses_nothing(tmp_path, origin):
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE and pg_stat_user_tables are PostgreSQL's")
    write_csv(tmp_path, clients=3, seed=5)
    table = Client._meta.db_table
    before = _analyze_counts([table]).get(table, (0, None))[0]
    with pytest.raises(Exception):  # noqa: B017, PT011 - no such municipality: nothing written
        import_dir(tmp_path, "imported", None, origin=origin)
    assert _analyze_counts([table]).get(table, (0, None))[0] == before


def _flush_stats() -> None:
    """Make this backend's table counters visible in pg_stat_user_tables (PostgreSQL 15+)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # the flush happens once a transaction has ended
        cursor.execute("SELECT 1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")


def test_compute_analyses_tables_never_analysed(team, tandem):
    """Data entered through the app, never analysed (autovacuum off): `compute_indicators`
    analyses the engine's tables before it plans its queries."""
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE and pg_stat_user_tables are PostgreSQL's")
    from datetime import UTC, datetime

    from django.core.management import call_command

    from indicators import planner
    from tests.factories import ClientFactory

    table = Contact._meta.db_table
    with connection.cursor() as cursor:  # as if the table had never been analysed
        cursor.execute("SELECT pg_stat_reset_single_table_counters(%s::regclass)", [table])
    client = ClientFactory(team=team, tandem=tandem)
    for day in range(1, 21):
        Contact.objects.create(
            client=client, started_at=datetime(2026, 7, day, 9, tzinfo=UTC),
            mode="face_to_face", outcome="met", location="street", duration_minutes=30,
        )  # fmt: skip
    _flush_stats()
    assert _analyze_counts([table])[table][1] is None  # never analysed
    assert table in planner.stale_tables()

    call_command("compute_indicators", "--period", "2026-Q3", "--json", stdout=io.StringIO())

    _flush_stats()
    count, last = _analyze_counts([table])[table]
    assert last is not None and count == 1
    assert table not in planner.stale_tables()
