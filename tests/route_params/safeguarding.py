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


@pytest.fixture
def route_param_outreach_training_update__pk(team, worker):
    from outreach.models import Training

    training = Training.objects.create(
        team=team,
        kind="who_qualityrights",
        title="QualityRights module 1",
        held_on="2026-01-15",
        author=worker,
    )
    training.attendees.set([worker])
    return training.pk


@pytest.fixture
def route_param_training_detail__pk(route_param_outreach_training_update__pk):
    return route_param_outreach_training_update__pk


@pytest.fixture
def route_param_supervisionsession_detail__pk(team, worker):
    from outreach.models import SupervisionSession

    session = SupervisionSession.objects.create(
        team=team, held_on="2026-01-20", supervisor_name="Dr. External", author=worker
    )
    session.attendees.set([worker])
    return session.pk
