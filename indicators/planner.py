"""Planner statistics of the tables the indicator engine reads (PostgreSQL).

PostgreSQL plans the engine's queries from the statistics ANALYZE leaves. A freshly loaded table
that was never analysed (autovacuum off or late) gets guesses, and the first-contact query then
takes minutes instead of a second (issue 14: over 10 minutes at 10 000 clients, 3.6 s once
analysed). So the importer analyses what it loaded (`analyze`), and the engine, before it
computes, analyses any of its tables whose statistics are missing or stale (`ensure_statistics`):
never analysed but changed, or changed by more rows since the last ANALYZE than it then held.
ANALYZE writes the planner's catalogue only, never a row of the application.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from careplans.models import Assessment, PlanAgreement
from outreach.models import (
    AgencyRequest,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    Episode,
    HospitalStay,
    Milestone,
    Relapse,
)
from referrals.models import Referral

ENGINE_MODELS = (
    Client,
    Episode,
    Contact,
    Contact.staff.through,
    Referral,
    HospitalStay,
    Relapse,
    Crisis,
    CoerciveMeasure,
    AgencyRequest,
    Milestone,
    PlanAgreement,
    Assessment,
)
# Changed rows since the last ANALYZE above which statistics count as stale, at least.
STALE_ROWS = 1000


def engine_tables() -> list[str]:
    return sorted(m._meta.db_table for m in ENGINE_MODELS)


def analyze(tables: Iterable[str]) -> None:
    """ANALYZE the tables (PostgreSQL; elsewhere nothing to do)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in sorted(set(tables)):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def stale_tables(tables: Iterable[str] | None = None) -> list[str]:
    """The tables whose statistics are missing or stale (see the module's docstring)."""
    if connection.vendor != "postgresql":
        return []
    wanted = sorted(set(tables if tables is not None else engine_tables()))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.relname = ANY(%s) AND (
                (s.last_analyze IS NULL AND s.last_autoanalyze IS NULL
                 AND s.n_mod_since_analyze > 0)
                OR s.n_mod_since_analyze > GREATEST(c.reltuples, %s)
            )
            ORDER BY s.relname
            """,
            [wanted, STALE_ROWS],
        )
        return [name for (name,) in cursor.fetchall()]


def ensure_statistics() -> list[str]:
    """Analyse the engine's tables whose statistics are missing or stale; return their names."""
    stale = stale_tables()
    analyze(stale)
    return stale
