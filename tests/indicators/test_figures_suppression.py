"""Team figures leave the team suppressed: coordinators see `<5`, the team's supervisors exact values.

report_data: Team Centre in August 2026 with 7 clients in care, 2 involuntary admissions and
3 seen contacts in the community; one more client's episode starts in August here.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from indicators import services
from indicators.periods import Period, Scope
from outreach.models import AuditEvent
from tests.factories import ClientFactory, EpisodeFactory


@pytest.fixture
def team(report_data):
    team = report_data[0].team
    newcomer = ClientFactory(team=team, tandem=report_data[0].tandem, family_name="Novak")
    EpisodeFactory(client=newcomer, tandem=report_data[0].tandem, started_on=date(2026, 8, 20))
    # Pages only read snapshots: the one they show is computed beforehand.
    services.snapshot_compute(period=Period.parse("2026-08"), scope=Scope.team(team.slug))
    return team


def _figure(body: str, key: str) -> str:
    """The text of the figure of the period asked for (the last column)."""
    cells = re.findall(rf'data-key="{key}">(.*?)</td>', body)
    return re.sub(r"<[^>]+>", "", cells[-1]).strip()


def _fidelity(body: str, key: str) -> str:
    return body.split(f'<tr data-key="{key}">')[1].split("</tr>")[0]


def _figures(client, user, team) -> str:
    client.force_login(user)
    url = reverse("indicators:team-figures", args=[team.pk])
    response = client.get(url, {"period": "2026-08"})
    assert response.status_code == 200
    return response.content.decode()


def test_coordinator_sees_team_figures_suppressed(client, coordinator, team):
    body = _figures(client, coordinator, team)
    assert _figure(body, "admissions_involuntary") == "&lt;5"
    assert _figure(body, "episodes_started") == "&lt;5"
    assert _figure(body, "caseload_end") == "8"  # 5 and more are shown
    assert _figure(body, "admissions_voluntary") == "&lt;5"
    assert _figure(body, "community_contact_share") == "n&lt;5"
    assert "n&lt;5" in _fidelity(body, "community_contact_share")
    assert "100.0 %" not in _fidelity(body, "community_contact_share")


def test_supervisor_of_the_team_sees_exact_figures(client, supervisor, team):
    body = _figures(client, supervisor, team)
    assert _figure(body, "admissions_involuntary") == "2"
    assert _figure(body, "episodes_started") == "1"
    assert _figure(body, "caseload_end") == "8"
    assert _figure(body, "community_contact_share") == "100.0 %"
    assert "100.0 %" in _fidelity(body, "community_contact_share")


def _drilldown(client, user, team, key):
    client.force_login(user)
    url = reverse("indicators:team-drilldown", args=[team.pk, key])
    response = client.get(url, {"period": "2026-08"})
    assert response.status_code == 200
    body = response.content.decode()
    figure = body.split("data-figure>")[1].split("<")[0]
    records = body.split("data-records>")[1].split("<")[0]
    return body, figure, records


def test_coordinator_drilldown_of_a_small_count_is_suppressed(client, coordinator, team):
    body, figure, records = _drilldown(client, coordinator, team, "episodes_started")
    assert figure == records == "&lt;5"
    # Listing the one record would give its count away: it is not listed outside the team.
    newcomer = team.clients.get(family_name="Novak")
    assert newcomer.code not in body
    assert not AuditEvent.objects.filter(action="indicator.drilldown").exists()


def test_coordinator_drilldown_of_five_or_more_lists_codes(client, coordinator, team):
    body, figure, records = _drilldown(client, coordinator, team, "caseload_end")
    assert figure == records == "8"
    assert team.clients.get(family_name="Novak").code in body


def test_supervisor_drilldown_of_a_small_count_is_exact(client, supervisor, team):
    body, figure, records = _drilldown(client, supervisor, team, "episodes_started")
    assert figure == records == "1"
    assert "Novak" in body


@pytest.fixture
def six_involuntary(team, report_data):
    """Centre in August: 7 admissions = 1 voluntary + 6 involuntary."""
    from outreach.models import HospitalStay, LegalStatus

    for c in report_data[3:7]:
        HospitalStay.objects.create(
            client=c, admitted_on=date(2026, 8, 12), legal_status=LegalStatus.INVOLUNTARY
        )
    services.snapshot_compute(period=Period.parse("2026-08"), scope=Scope.team(team.slug))
    return team


def test_coordinator_cannot_work_out_a_hidden_figure_from_the_others(
    client, coordinator, six_involuntary
):
    """7 admissions, voluntary <5: showing the 6 involuntary would give the 1 voluntary away."""
    body = _figures(client, coordinator, six_involuntary)
    assert _figure(body, "admissions") == "7"
    assert _figure(body, "admissions_voluntary") == "&lt;5"
    assert _figure(body, "admissions_involuntary") == "x"
    assert _figure(body, "involuntary_admission_share") == "n&lt;5"


def test_supervisor_sees_the_withheld_figure_exactly(client, supervisor, six_involuntary):
    body = _figures(client, supervisor, six_involuntary)
    assert _figure(body, "admissions_involuntary") == "6"
    assert _figure(body, "admissions_voluntary") == "1"
