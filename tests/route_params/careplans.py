"""Objects of the team for the URL parameters of the care plan routes (see test_access_matrix)."""

from __future__ import annotations

import pytest

from tests.careplans.factories import CarePlanFactory, GoalFactory


@pytest.fixture
def route_param_plan_pk(team_client):
    return CarePlanFactory(episode=team_client.episodes.first()).pk


@pytest.fixture
def route_param_goal_pk(route_param_plan_pk):
    return GoalFactory(careplan_id=route_param_plan_pk).pk


@pytest.fixture
def route_param_careplan_detail__pk(route_param_plan_pk):
    return route_param_plan_pk
