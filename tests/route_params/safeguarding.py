"""Objects of the team for the URL parameters of risk, decisions, complaints and training."""

from __future__ import annotations

import pytest

from tests.outreach.safeguarding.factories import RiskAssessmentFactory, SupportedDecisionFactory


@pytest.fixture
def route_param_team_pk(team):
    return team.pk


@pytest.fixture
def route_param_riskassessment_detail__pk(team_client, worker):
    return RiskAssessmentFactory(client=team_client, author=worker).pk


@pytest.fixture
def route_param_outreach_supporteddecision_update__pk(team_client, worker):
    return SupportedDecisionFactory(client=team_client, author=worker).pk


@pytest.fixture
def route_param_supporteddecision_detail__pk(route_param_outreach_supporteddecision_update__pk):
    return route_param_outreach_supporteddecision_update__pk


@pytest.fixture
def route_param_guardianshipstatus_detail__pk(team_client, worker):
    from outreach.models import GuardianshipStatus

    return GuardianshipStatus.objects.create(
        client=team_client,
        status="none",
        since=team_client.episodes.first().started_on,
        author=worker,
    ).pk


@pytest.fixture
def route_param_outreach_complaint_update__pk(team_client, worker):
    from tests.outreach.safeguarding.factories import ComplaintFactory

    return ComplaintFactory(client=team_client, author=worker).pk


@pytest.fixture
def route_param_complaint_detail__pk(route_param_outreach_complaint_update__pk):
    return route_param_outreach_complaint_update__pk
