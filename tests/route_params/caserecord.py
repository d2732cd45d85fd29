"""Objects of the team for the URL parameters of the case-record event routes."""

from __future__ import annotations

import pytest

from tests.outreach.caserecord.factories import (
    AgencyRequestFactory,
    CoerciveMeasureFactory,
    CrisisFactory,
    HospitalStayFactory,
)


@pytest.fixture
def route_param_outreach_hospitalstay_update__pk(team_client):
    return HospitalStayFactory(client=team_client).pk


@pytest.fixture
def route_param_outreach_debrief_update__pk(team_client, worker, origin):
    from outreach.caserecord.services import coercive_measure_record

    measure = CoerciveMeasureFactory.build(client=team_client)
    return coercive_measure_record(
        client=team_client, actor=worker, measure=measure, origin=origin
    ).pk


@pytest.fixture
def route_param_outreach_crisis_update__pk(team_client):
    return CrisisFactory(client=team_client).pk


@pytest.fixture
def route_param_outreach_agencyrequest_respond__pk(team_client):
    return AgencyRequestFactory(client=team_client).pk


@pytest.fixture
def route_param_outreach_episode_discharge__pk(team_client):
    return team_client.episodes.first().pk
