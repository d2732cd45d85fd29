"""The questions of `careplans.access`, asked directly about every role, inactive and anonymous."""

from __future__ import annotations

import pytest

from careplans import access
from outreach.models import Role
from tests.access_people import TEAM_STAFF, WORKERS, answers, only, people
from tests.careplans.assessments.factories import AssessmentFactory
from tests.factories import UserFactory

__all__ = ["people"]  # the fixture

# The client's tandem and the team's supervisor: who writes the plan.
PLAN_WRITERS = {"worker", "peer", "supervisor"}


@pytest.fixture
def same_team_worker(team):
    """A worker of the client's team who is not in the client's tandem."""
    return UserFactory(role=Role.PEER, teams=[team])


def test_the_tandem_and_the_teams_supervisor_start_the_plan(people, team_client, same_team_worker):
    assert answers(access.can_start_plan, people, team_client) == only(PLAN_WRITERS)
    assert not access.can_start_plan(same_team_worker, team_client)


def test_the_tandem_and_the_teams_supervisor_edit_the_plan(people, plan, same_team_worker):
    assert answers(access.can_edit_plan, people, plan) == only(PLAN_WRITERS)
    assert not access.can_edit_plan(same_team_worker, plan)


def test_a_deactivated_tandem_worker_no_longer_edits_or_signs(people, plan):
    people["worker"].is_active = False
    assert not access.can_edit_plan(people["worker"], plan)
    assert not access.can_sign_plan(people["worker"], plan)


def test_only_the_two_tandem_members_sign(people, plan, same_team_worker):
    assert answers(access.can_sign_plan, people, plan) == only({"worker", "peer"})
    assert not access.can_sign_plan(same_team_worker, plan)


def test_staff_of_the_clients_team_share_the_crisis_sheet(people, plan, same_team_worker):
    assert answers(access.can_share_crisis_sheet, people, plan) == only(PLAN_WRITERS)
    assert access.can_share_crisis_sheet(same_team_worker, plan)


def test_team_staff_have_the_due_lists_and_workers_start_with_their_own(people):
    assert answers(access.sees_due_lists, people) == only(TEAM_STAFF)
    assert answers(access.due_lists_start_with_own_clients, people) == only(WORKERS)


def test_only_the_author_corrects_an_assessment(people, team_client):
    assessment = AssessmentFactory(client=team_client, author=people["peer"])
    assert answers(access.can_correct_assessment, people, assessment) == only({"peer"})
    people["peer"].is_active = False
    assert not access.can_correct_assessment(people["peer"], assessment)
