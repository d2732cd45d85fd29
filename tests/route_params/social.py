"""Objects of the team for the URL parameters of the living situation, carers and costs."""

from __future__ import annotations

import pytest

from tests.outreach.social.factories import (
    CarerFactory,
    CarerNeedsReviewFactory,
    LivingStatusFactory,
    SpendingFactory,
)


@pytest.fixture
def route_param_domain():
    return "housing"


@pytest.fixture
def route_param_livingstatus_detail__pk(team_client):
    return LivingStatusFactory(client=team_client).pk


@pytest.fixture
def route_param_carer_pk(team_client):
    return CarerFactory(client=team_client).pk


@pytest.fixture
def route_param_outreach_carer_update__pk(route_param_carer_pk):
    return route_param_carer_pk


@pytest.fixture
def route_param_outreach_carerreview_create__pk(route_param_carer_pk):
    return route_param_carer_pk


@pytest.fixture
def route_param_carer_detail__pk(route_param_carer_pk):
    return route_param_carer_pk


@pytest.fixture
def route_param_carerreview_detail__pk(team_client, worker):
    return CarerNeedsReviewFactory(carer=CarerFactory(client=team_client), reviewed_by=worker).pk


@pytest.fixture
def route_param_spending_detail__pk(team_client, worker):
    return SpendingFactory(client=team_client, recorded_by=worker).pk
