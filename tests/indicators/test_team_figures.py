"""Team figures for supervisors: fidelity against targets, drill-down equal to the figure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators import drilldown, services
from indicators.models import FidelityTarget
from indicators.periods import Period, Scope
from outreach.models import AuditEvent

AUGUST = Period.parse("2026-08")
REQUIRED = [
    "caseload_end",
    "clients_not_seen_30d",
    "admissions_involuntary",
    "coercive_measures",
    "crises_without_response",
    "agency_requests_open_30d",
    "clients_served",
]


@pytest.mark.parametrize("key", sorted(drilldown.QUERIES))
def test_drilldown_count_equals_the_figure(key, client, supervisor, report_data):
    team = report_data[0].team
    snapshot = services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))
    rows = drilldown.records(key, AUGUST, Scope.team(team.slug))
    assert len(rows) == snapshot.values[key]
    client.force_login(supervisor)
    response = client.get(
        reverse("indicators:team-drilldown", args=[team.pk, key]), {"period": "2026-08"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    figure = body.split("data-figure>")[1].split("<")[0]
    records = body.split("data-records>")[1].split("<")[0]
    assert figure == records == str(snapshot.values[key])
    # One audit event per client listed.
    events = AuditEvent.objects.filter(action="indicator.drilldown")
    assert sorted(events.values_list("client_id", flat=True)) == sorted({r.client_id for r in rows})


def test_required_drilldowns_are_not_all_empty(report_data):
    team = report_data[0].team
    counts = {k: len(drilldown.records(k, AUGUST, Scope.team(team.slug))) for k in REQUIRED}
    assert set(REQUIRED) <= set(drilldown.QUERIES)
    assert counts == {
        "caseload_end": 7,
        "clients_not_seen_30d": 4,
        "admissions_involuntary": 2,
        "coercive_measures": 1,
        "crises_without_response": 1,
        "agency_requests_open_30d": 1,
        "clients_served": 7,
    }


def test_supervisor_sees_names_coordinator_sees_codes(client, supervisor, coordinator, report_data):
    team = report_data[0].team
    url = reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"])
    client.force_login(supervisor)
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert "Dimov0" in body and report_data[0].code in body
    client.force_login(coordinator)
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert "Dimov0" not in body and "Petar0" not in body
    assert report_data[0].code in body
    assert reverse("outreach:client-detail", args=[report_data[0].pk]) not in body


def test_outside_supervisor_gets_404(client, outside_supervisor, report_data):
    team = report_data[0].team
    client.force_login(outside_supervisor)
    assert client.get(reverse("indicators:team-figures", args=[team.pk])).status_code == 404
    url = reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="indicator.drilldown").exists()


def test_unknown_drilldown_key_is_404(client, supervisor, report_data):
    team = report_data[0].team
    client.force_login(supervisor)
    url = reverse("indicators:team-drilldown", args=[team.pk, "qol_change_mean"])
    assert client.get(url).status_code == 404


def test_fidelity_figures_with_default_and_team_targets(client, supervisor, report_data):
    team = report_data[0].team
    services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))  # pages only read
    client.force_login(supervisor)
    url = reverse("indicators:team-figures", args=[team.pk])
    body = client.get(url, {"period": "2026-08"}).content.decode()
    # 7 clients in care, 2 workers (one tandem): 3.50 clients per worker, target ≤ 10: met.
    row = body.split('data-key="clients_per_worker">')[1].split("</tr>")[0]
    assert "3.50" in row and "≤ 10.00" in row and "band-met" in row
    # 3 seen contacts of 45 minutes over 217 client days: 0.10 per week, target ≥ 4: not met.
    row = body.split('data-key="contacts_per_client_week">')[1].split("</tr>")[0]
    assert "0.10" in row and "≥ 4.00" in row and "band-not-met" in row
    row = body.split('data-key="community_contact_share">')[1].split("</tr>")[0]
    assert "100.0 %" in row and "≥ 80.0 %" in row and "band-met" in row
    # Targets are per team.
    FidelityTarget.objects.create(team=team, max_clients_per_worker=3)
    body = client.get(url, {"period": "2026-08"}).content.decode()
    row = body.split('data-key="clients_per_worker">')[1].split("</tr>")[0]
    assert "≤ 3.00" in row and "band-not-met" in row


def test_team_figures_read_snapshots(
    client, supervisor, report_data, django_assert_max_num_queries
):
    team = report_data[0].team
    for p in ("2026-05", "2026-06", "2026-07", "2026-08"):
        services.snapshot_compute(period=Period.parse(p), scope=Scope.team(team.slug))
    client.force_login(supervisor)
    # With snapshots in place the page reads them: no recomputation from raw records.
    with django_assert_max_num_queries(20):
        response = client.get(
            reverse("indicators:team-figures", args=[team.pk]), {"period": "2026-08"}
        )
    assert response.status_code == 200


def test_coordinator_sees_figures_of_municipality_teams(client, coordinator, team, other_team):
    client.force_login(coordinator)
    body = client.get(reverse("indicators:figures-list")).content.decode()
    assert team.name in body and other_team.name in body


@pytest.mark.parametrize("role", ["worker", "peer", "partner", "admin"])
def test_other_roles_get_404_on_team_figures(client, role, users_by_role, report_data):
    team = report_data[0].team
    client.force_login(users_by_role[role])
    assert client.get(reverse("indicators:team-figures", args=[team.pk])).status_code == 404
    url = reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="indicator.drilldown").exists()


def test_coordinator_drills_into_caseload_figures_only(
    client, supervisor, coordinator, report_data
):
    team = report_data[0].team
    client.force_login(coordinator)
    for key in ("admissions_involuntary", "coercive_measures", "crises_without_response"):
        url = reverse("indicators:team-drilldown", args=[team.pk, key])
        assert client.get(url, {"period": "2026-08"}).status_code == 404
    figures = client.get(reverse("indicators:team-figures", args=[team.pk]), {"period": "2026-08"})
    body = figures.content.decode()
    assert reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"]) in body
    assert (
        reverse("indicators:team-drilldown", args=[team.pk, "admissions_involuntary"]) not in body
    )
    client.force_login(supervisor)
    url = reverse("indicators:team-drilldown", args=[team.pk, "admissions_involuntary"])
    assert client.get(url, {"period": "2026-08"}).status_code == 200


@pytest.mark.parametrize("period", ["0000-01", "9999-Q4", "2099-01"])
def test_figures_of_impossible_or_future_periods_are_404(client, supervisor, report_data, period):
    from indicators.models import IndicatorSnapshot

    team = report_data[0].team
    client.force_login(supervisor)
    before = IndicatorSnapshot.objects.count()
    response = client.get(reverse("indicators:team-figures", args=[team.pk]), {"period": period})
    assert response.status_code == 404
    assert IndicatorSnapshot.objects.count() == before
