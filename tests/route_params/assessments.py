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


@pytest.fixture
def route_param_carerassessment_detail__pk(team_client, worker):
    from django.utils import timezone

    from careplans.models import CarerAssessment, Instrument
    from tests.outreach.social.factories import CarerFactory

    instrument = Instrument.objects.create(
        code="carer_matrix", name="Carer placeholder", applies_to=Instrument.AppliesTo.CARER
    )
    return CarerAssessment.objects.create(
        carer=CarerFactory(client=team_client),
        instrument=instrument,
        assessed_on=timezone.localdate(),
        author=worker,
    ).pk
