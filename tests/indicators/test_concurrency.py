"""Two concurrent runs for one period and scope leave one draft (committed transactions)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from indicators import services
from indicators.models import IndicatorSnapshot
from indicators.periods import Period, Scope
from outreach.models import Client, Episode


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_give_one_draft(team):
    if connection.vendor != "postgresql":
        # pytest-django's in-memory shared-cache SQLite answers "table is locked" at once
        # instead of waiting for the lock; a file database with IMMEDIATE transactions waits.
        pytest.skip("concurrency is checked on PostgreSQL")
    client = Client.objects.create(team=team, given_name="X")
    Episode.objects.create(client=client, started_on=date(2026, 1, 1))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []
    results: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            snap = services.snapshot_compute(
                period=Period.parse("2026-Q3"), scope=Scope.team(team.slug)
            )
            results.append(snap.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(set(results)) == 1
    snap = IndicatorSnapshot.objects.get()
    assert (snap.status, snap.version) == ("draft", 1)
    assert snap.values["clients_served"] == 1
