"""What a refused request or a failed service call left in the database: it must be nothing.

`writes()` is cheap and strict (every row written in the test's transaction, even if rolled
back since, on PostgreSQL); `contents()` compares what is stored, so a write undone by a rollback
counts as nothing. Both leave out the audit log (every refusal is audited) and the sessions.
`unchanged(state)` is a context manager that fails the test if anything changed inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection

MAY_CHANGE = frozenset({"outreach_auditevent", "django_session"})


def _tables() -> list[str]:
    return sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True)} - MAY_CHANGE
    )


def _digests() -> dict[str, tuple]:
    state = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(map(repr, cursor.fetchall()))
            state[table] = (len(rows), hash(tuple(rows)))
    return state


def writes() -> dict[str, tuple]:
    """Per table, the rows inserted, updated and deleted so far (PostgreSQL), else `contents()`.

    PostgreSQL counts them for the current transaction (`pg_stat_get_xact_tuples_*`, one cheap
    query), so this sees any write, even of the same values.
    """
    if connection.vendor != "postgresql":
        return _digests()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t, pg_stat_get_xact_tuples_inserted(t::regclass),"
            " pg_stat_get_xact_tuples_updated(t::regclass),"
            " pg_stat_get_xact_tuples_deleted(t::regclass) FROM unnest(%s::text[]) t",
            [_tables()],
        )
        return {table: tuple(counts) for table, *counts in cursor.fetchall()}


def contents() -> dict[str, tuple]:
    """Per table, its row count and a digest of all its rows."""
    if connection.vendor != "postgresql":
        return _digests()
    tables = _tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text),"  # noqa: S608
                f" '')) FROM {quote(table)} r"
                for table in tables
            ),
            tables,
        )
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changes(before: dict[str, tuple], after: dict[str, tuple]) -> dict[str, str]:
    """The tables that differ between two states, with their two states."""
    return {t: f"{before[t]} -> {after[t]}" for t in before if before[t] != after[t]}


@contextmanager
def unchanged(state: Callable[[], dict[str, tuple]] = contents) -> Iterator[None]:
    """Fail if anything but the audit log changed in the database inside the block.

    An exception raised in the block is let through after the check.
    """
    before = state()
    try:
        yield
    finally:
        changed = changes(before, state())
        assert not changed, f"the database changed: {changed}"
