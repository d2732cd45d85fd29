"""Published reports through the API: read-only, in the user's scope, figures as published."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from indicators import reports
from indicators.models import Report
from indicators.periods import Period
from tests.factories import MunicipalityFactory


def _published(municipality, actor, origin):
    report = reports.report_draft(
        municipality=municipality, period=Period.parse("2026-08"), actor=actor, origin=origin
    )
    return reports.report_publish(report=report, actor=actor, origin=origin)


def test_coordinator_reads_published_reports_with_suppressed_figures(
    client, coordinator, report_data, origin
):
    report = _published(coordinator.municipality, coordinator, origin)
    Report.objects.create(
        municipality=coordinator.municipality,
        period="2026-07",
        period_first=date(2026, 7, 1),
        period_last=date(2026, 7, 31),
    )  # a draft: not listed
    client.force_login(coordinator)
    rows = client.get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in rows] == [report.pk]
    body = client.get(f"/api/v1/reports/{report.pk}/").json()
    content = reports.report_content(Report.objects.get(pk=report.pk), suppress=True)
    assert body["columns"] == [str(c.label) for c in content.columns]
    assert body["sections"][0]["rows"][0]["cells"] == content.sections[0]["rows"][0]["cells"]
    assert client.post("/api/v1/reports/", {}).status_code == 405


@pytest.mark.parametrize("role", ["worker", "partner", "admin", "dpo"])
def test_roles_without_figures_see_no_report(role, client, users_by_role, coordinator, origin, db):
    report = _published(coordinator.municipality, coordinator, origin)
    client.force_login(users_by_role[role])
    assert client.get("/api/v1/reports/").json()["results"] == []
    assert client.get(f"/api/v1/reports/{report.pk}/").status_code == 404


def test_another_municipalitys_report_is_404(client, coordinator, origin):
    elsewhere = MunicipalityFactory(name="Varna", slug="varna")
    report = Report.objects.create(
        municipality=elsewhere,
        period="2026-08",
        period_first=date(2026, 8, 1),
        period_last=date(2026, 8, 31),
        status=Report.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    client.force_login(coordinator)
    assert client.get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert client.get("/api/v1/reports/").json()["results"] == []


def test_supervisor_reads_and_syncs(
    client, supervisor, coordinator, origin, django_assert_num_queries
):
    report = _published(coordinator.municipality, coordinator, origin)
    client.force_login(supervisor)
    # session, user, the page of reports (joined with the municipality), session save (3)
    with django_assert_num_queries(6):
        assert len(client.get("/api/v1/reports/").json()["results"]) == 1
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() - timedelta(days=2))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert client.get("/api/v1/reports/", {"updated_since": since}).json()["results"] == []


# --- Snapshots -------------------------------------------------------------------------------


def _team_snapshot(team):
    from indicators import services
    from indicators.periods import Scope

    return services.snapshot_compute(period=Period.parse("2026-Q3"), scope=Scope.team(team.slug))


def test_supervisor_sees_their_teams_figures_exact_coordinator_suppressed(
    client, supervisor, coordinator, team, report_data
):
    snapshot = _team_snapshot(team)
    small = [k for k, v in snapshot.values.items() if isinstance(v, int) and 1 <= v <= 4]
    client.force_login(supervisor)
    body = client.get(f"/api/v1/snapshots/{snapshot.pk}/").json()
    assert body["exact"] is True
    client.force_login(coordinator)
    suppressed = client.get(f"/api/v1/snapshots/{snapshot.pk}/").json()
    assert suppressed["exact"] is False
    keys = [k for k in small if k in suppressed["figures"]]
    assert keys, "the fixture has small counts"
    for key in keys:
        assert body["figures"][key] == str(snapshot.values[key])
        assert suppressed["figures"][key] in ("<5", "x")
    assert "records" not in suppressed


@pytest.mark.parametrize("role", ["worker", "partner", "admin", "dpo", "outside_supervisor"])
def test_snapshots_not_for_others(role, client, users_by_role, team, report_data):
    snapshot = _team_snapshot(team)
    client.force_login(users_by_role[role])
    assert client.get(f"/api/v1/snapshots/{snapshot.pk}/").status_code == 404
    assert snapshot.pk not in [r["id"] for r in client.get("/api/v1/snapshots/").json()["results"]]


def test_snapshot_list_queries_and_updated_since(
    client, supervisor, team, report_data, django_assert_num_queries
):
    from indicators.models import IndicatorSnapshot

    snapshot = _team_snapshot(team)
    client.force_login(supervisor)
    # session, user, the exact teams, the page of snapshots, session save (savepoint, update,
    # release)
    with django_assert_num_queries(7):
        assert len(client.get("/api/v1/snapshots/").json()["results"]) == 1
    IndicatorSnapshot.objects.filter(pk=snapshot.pk).update(
        computed_at=timezone.now() - timedelta(days=3)
    )
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert client.get("/api/v1/snapshots/", {"updated_since": since}).json()["results"] == []
