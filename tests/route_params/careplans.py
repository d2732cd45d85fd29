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


@pytest.fixture
def route_param_goal_detail__pk(route_param_goal_pk):
    return route_param_goal_pk


@pytest.fixture
def _api_plan_action(route_param_goal_pk):
    from careplans.models import Action

    return Action.objects.create(goal_id=route_param_goal_pk, what="call", who="client")


@pytest.fixture
def route_param_planaction_detail__pk(_api_plan_action):
    return _api_plan_action.pk


@pytest.fixture
def route_param_planaction_done__pk(_api_plan_action):
    return _api_plan_action.pk


@pytest.fixture
def route_param_advancestatement_detail__pk(route_param_plan_pk):
    from careplans.models import AdvanceStatement

    return AdvanceStatement.objects.create(careplan_id=route_param_plan_pk, early_signs="x").pk


@pytest.fixture
def route_param_plansignoff_detail__pk(route_param_plan_pk, worker):
    from careplans.models import PlanSignoff

    return PlanSignoff.objects.create(
        careplan_id=route_param_plan_pk, plan_version=1, user=worker
    ).pk


@pytest.fixture
def route_param_clientresponse_detail__pk(route_param_plan_pk, worker):
    from django.utils import timezone

    from careplans.models import ClientResponse

    return ClientResponse.objects.create(
        careplan_id=route_param_plan_pk,
        plan_version=1,
        answer="agree",
        responded_on=timezone.localdate(),
        recorded_by=worker,
    ).pk


@pytest.fixture
def route_param_planreview_detail__pk(route_param_plan_pk, worker):
    from django.utils import timezone

    from careplans.models import PlanReview

    return PlanReview.objects.create(
        careplan_id=route_param_plan_pk,
        month=3,
        held_on=timezone.localdate(),
        what_changed="x",
        plan_version=1,
        recorded_by=worker,
    ).pk


@pytest.fixture
def route_param_plancomment_detail__pk(route_param_plan_pk, worker):
    from django.utils import timezone

    from careplans.models import PlanComment

    return PlanComment.objects.create(
        careplan_id=route_param_plan_pk,
        plan_version=1,
        text="x",
        made_on=timezone.localdate(),
        recorded_by=worker,
    ).pk


@pytest.fixture
def route_param_planagreement_detail__pk(route_param_plan_pk, team_client):
    from django.utils import timezone

    from careplans.models import PlanAgreement

    return PlanAgreement.objects.create(
        client=team_client,
        careplan_id=route_param_plan_pk,
        agreed_on=timezone.localdate(),
        plan_version=1,
    ).pk


@pytest.fixture
def route_param_crisissheetshare_detail__pk(route_param_plan_pk, team_client, worker):
    from careplans.models import CrisisSheetShare
    from tests.factories import ConsentFactory

    return CrisisSheetShare.objects.create(
        careplan_id=route_param_plan_pk,
        consent=ConsentFactory(client=team_client),
        plan_version=1,
        shared_by=worker,
    ).pk
