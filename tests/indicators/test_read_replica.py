"""Reads of figures, drill-downs and reports go to the read replica (issue 18, item 7).

A second connection alias `replica` points at the test database (a test mirror: the same data
a streaming replica would hold); the queries each connection ran say where the reads went.
"""

from __future__ import annotations

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import services
from indicators.periods import Period, Scope
from outreach.ops.router import REPLICA, ReplicaRouter, replica_reads

AUGUST = Period.parse("2026-08")

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second connection to the same database needs PostgreSQL (SQLite tests run in memory)",
)


@pytest.fixture
def replica():
    connections.settings[REPLICA] = {**connections["default"].settings_dict, "CONN_MAX_AGE": 600}
    # Connected here: the test case lets only the aliases it knew of open a connection later.
    connections[REPLICA].connect()
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


@pytest.mark.django_db(transaction=True)
def test_figures_drilldowns_and_reports_read_from_the_replica(
    client, supervisor, coordinator, report_data, replica
):
    team = report_data[0].team
    services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))
    client.force_login(supervisor)
    pages = [
        reverse("indicators:team-figures", args=[team.pk]),
        reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"]) + "?period=2026-08",
        reverse("indicators:figures-list"),
        reverse("indicators:report-list"),
        "/public/reports/",
    ]
    for url in pages:
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(replica) as standby,
        ):
            response = client.get(url)
        assert response.status_code == 200, url
        assert standby.captured_queries, f"{url} read nothing from the replica"
        assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in standby), url
        # What is written (the audit log of a read) goes to the primary.
        assert "INSERT" not in _tables(standby.captured_queries)
        if "drilldown" in url:
            assert '"indicators_indicatorsnapshot"' in _tables(standby.captured_queries)
            assert 'INSERT INTO "outreach_auditevent"' in _tables(primary.captured_queries)
            assert '"indicators_indicatorsnapshot"' not in _tables(primary.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_client_pages_and_writes_stay_on_the_primary(client, supervisor, report_data, replica):
    team = report_data[0].team
    client.force_login(supervisor)
    with CaptureQueriesContext(replica) as standby:
        assert client.get(report_data[0].get_absolute_url()).status_code == 200
        assert client.get("/caseload/").status_code == 200
        response = client.post(reverse("indicators:team-figures-refresh", args=[team.pk]))
        assert response.status_code in (200, 302)
    assert standby.captured_queries == []


def test_the_router_without_a_replica_and_inside_transactions(db):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(None) == "default"  # no alias configured
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate(REPLICA, "outreach") is False


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    from django.db import transaction

    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(None) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(None) == "default"
    assert router.db_for_read(None) == "default"  # only in a replica view
