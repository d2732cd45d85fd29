"""Objects of the team for the URL parameters of the assessment routes (see test_access_matrix)."""

from __future__ import annotations

import pytest

from tests.careplans.assessments.factories import AssessmentFactory


@pytest.fixture
def route_param_careplans_assessment_detail__pk(team_client):
    return AssessmentFactory(client=team_client).pk


@pytest.fixture
def route_param_careplans_assessment_update__pk(team_client, worker):
    return AssessmentFactory(client=team_client, author=worker).pk


@pytest.fixture
def route_param_assessment_detail__pk(team_client):
    from tests.careplans.assessments.factories import AssessmentFactory

    return AssessmentFactory(client=team_client).pk
