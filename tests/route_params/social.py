"""Objects of the team for the URL parameters of the living situation, carers and costs."""

from __future__ import annotations

import pytest

from tests.outreach.social.factories import LivingStatusFactory


@pytest.fixture
def route_param_domain():
    return "housing"


@pytest.fixture
def route_param_livingstatus_detail__pk(team_client):
    return LivingStatusFactory(client=team_client).pk
