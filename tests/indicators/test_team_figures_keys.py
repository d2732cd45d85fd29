"""The team figures page shows every figure a snapshot stores (INDICATORS.md): each key as a
row, each object (breakdowns, medians by kind of agency) as one cell per name; a key the page
leaves to the municipal report is listed in `reports.TEAM_PAGE_REPORT_ONLY` with its reason.

report_data: Team Centre in August 2026 (7 clients, small numbers), plus here an adverse event
and requests to a housing agency of the directory answered in August.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from indicators import engine, reports, services
from indicators.periods import Period, Scope
from outreach.models import AdverseEvent, Agency, AgencyRequest

AUGUST = Period.parse("2026-08")


@pytest.fixture
def snapshot(report_data):
    team = report_data[0].team
    AdverseEvent.objects.create(
        client=report_data[1], kind="self_harm", occurred_on=date(2026, 8, 9)
    )
    housing = Agency.objects.create(municipality=team.municipality, name="Housing", kind="housing")
    for c, days in zip(report_data[:2], (10, 12), strict=True):
        AgencyRequest.objects.create(
            client=c,
            agency=housing.name,
            listed_agency=housing,
            sent_on=date(2026, 8, 1),
            responded_on=date(2026, 8, 1 + days),
        )
    return services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))


def _page(client, user, team) -> str:
    client.force_login(user)
    response = client.get(reverse("indicators:team-figures", args=[team.pk]), {"period": "2026-08"})
    assert response.status_code == 200
    return response.content.decode()


def _cell(body: str, key: str) -> str:
    """The text of the figure of the period asked for (the last column)."""
    cells = re.findall(rf'data-key="{re.escape(key)}">(.*?)</td>', body)
    assert cells, f"{key} is not on the page"
    return re.sub(r"<[^>]+>", "", cells[-1]).strip()


def _snapshot_keys() -> list[str]:
    keys = list(engine.INDICATOR_KEYS)
    for key in engine.DISAGGREGATED:
        keys += [f"{key}_by_sex", f"{key}_by_age"]
    return keys


def test_every_key_of_the_snapshot_is_on_the_page_or_left_to_the_report_with_a_reason(
    client, supervisor, snapshot
):
    body = _page(client, supervisor, snapshot.team)
    shown = set(re.findall(r'<td class="num" data-key="([^"]+)">', body))
    missing = []
    for key in _snapshot_keys():
        assert key in snapshot.values, key
        if key in reports.TEAM_PAGE_REPORT_ONLY:
            assert str(reports.TEAM_PAGE_REPORT_ONLY[key]).strip(), f"{key}: no reason given"
            continue
        value = snapshot.values[key]
        wanted = [f"{key}.{name}" for name in value] if isinstance(value, dict) else [key]
        missing += [w for w in wanted if w not in shown]
    assert not missing, f"snapshot figures not on the team's page: {missing}"


def test_only_snapshot_keys_are_left_to_the_report():
    assert set(reports.TEAM_PAGE_REPORT_ONLY) <= set(_snapshot_keys())


def test_the_supervisor_sees_continuity_safety_and_coordination_by_kind_exactly(
    client, supervisor, snapshot
):
    body = _page(client, supervisor, snapshot.team)
    assert snapshot.values["agency_response_days_median_by_kind"]["housing"] == 11
    assert _cell(body, "agency_response_days_median_by_kind.housing") == "11.0"
    assert _cell(body, "agency_requests_by_kind.housing") == "2"
    assert _cell(body, "agency_requests_by_kind.other") == "0"
    assert _cell(body, "adverse_events_by_kind.self_harm") == "1"
    assert _cell(body, "adverse_events_by_kind.death") == "0"
    assert _cell(body, "waiting_list_when_computed") == "0"
    assert _cell(body, "clients_served_by_sex.unknown") == str(
        snapshot.values["clients_served_by_sex"]["unknown"]
    )


def test_the_coordinator_sees_the_same_cells_suppressed(client, coordinator, snapshot):
    body = _page(client, coordinator, snapshot.team)
    assert _cell(body, "agency_response_days_median_by_kind.housing") == "n&lt;5"
    assert _cell(body, "agency_requests_by_kind.housing") == "&lt;5"
    assert _cell(body, "adverse_events_by_kind.self_harm") == "&lt;5"
    assert _cell(body, "adverse_events_by_kind.death") == "0"
    # 2 housing + 0 other kinds = agency_requests_sent: the total may not give the cell away.
    sent = _cell(body, "agency_requests_sent")
    assert sent in ("&lt;5", "x")


def test_a_breakdown_of_a_period_not_computed_shows_a_dash(client, supervisor, snapshot):
    body = _page(client, supervisor, snapshot.team)
    cells = re.findall(r'data-key="adverse_events_by_kind\.self_harm">(.*?)</td>', body)
    assert cells[:3] == ["—", "—", "—"] and cells[-1] == "1"


def test_the_snapshot_api_gives_the_medians_by_kind_of_agency(
    client, supervisor, coordinator, snapshot
):
    """The API's figures are the rows of the report, the medians by kind of agency included."""
    key = "agency_response_days_median_by_kind.housing"
    client.force_login(supervisor)
    assert client.get(f"/api/v1/snapshots/{snapshot.pk}/").json()["figures"][key] == "11.0"
    client.force_login(coordinator)
    assert client.get(f"/api/v1/snapshots/{snapshot.pk}/").json()["figures"][key] == "n<5"
