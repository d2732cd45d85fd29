"""Who may write a plan or an assessment, asked by calling the services directly (no page).

Each editing service refuses anyone but the client's tandem and the team's supervisors (staff
of another team, a colleague outside the tandem, a tandem member no longer active, roles with
no client record), and writes nothing then; only the tandem signs; only the worker who recorded
an assessment corrects it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from careplans import services
from careplans.assessments import services as assessment_services
from careplans.models import CarePlan
from tests import db_state
from tests.careplans.assessments.factories import InstrumentFactory
from tests.factories import UserFactory

TODAY = timezone.localdate


def _update(plan, user, origin):
    services.careplan_update(
        careplan=plan, author=user, expected_version=plan.version, strengths="x", origin=origin
    )


def _advance(plan, user, origin):
    services.advance_statement_save(
        careplan=plan, author=user, expected_version=plan.version, what_helps="x", origin=origin
    )


def _goal(plan, user, origin):
    services.goal_save(
        careplan=plan,
        author=user,
        expected_version=plan.version,
        domain="housing",
        in_their_words="x",
        origin=origin,
    )


def _action(plan, user, origin):
    goal = plan.goals.get()
    services.action_add(
        goal=goal, author=user, expected_version=plan.version, what="x", who="client", origin=origin
    )


def _respond(plan, user, origin):
    services.careplan_respond(
        careplan=plan,
        author=user,
        plan_version=plan.version,
        answer="agrees",
        in_their_words="x",
        responded_on=TODAY(),
        origin=origin,
    )


def _comment(plan, user, origin):
    services.comment_add(
        careplan=plan,
        author=user,
        plan_version=plan.version,
        text="x",
        made_on=TODAY(),
        origin=origin,
    )


def _review(plan, user, origin):
    services.review_record(
        careplan=plan,
        author=user,
        expected_version=plan.version,
        held_on=TODAY(),
        what_changed="x",
        origin=origin,
    )


EDITS: dict[str, Callable] = {
    "update": _update,
    "advance-statement": _advance,
    "goal": _goal,
    "action": _action,
    "response": _respond,
    "comment": _comment,
    "review": _review,
}
REFUSED = ["outsider", "outside_supervisor", "colleague", "inactive_worker", "coordinator", "admin"]


@pytest.fixture
def plan_with_goal(plan, worker, origin):
    _goal(plan, worker, origin)
    return CarePlan.objects.get(pk=plan.pk)


@pytest.fixture
def refused(users_by_role, team, worker):
    def user(name):
        if name == "colleague":
            return UserFactory(teams=[team])
        if name == "inactive_worker":
            worker.is_active = False
            worker.save()
            return worker
        return users_by_role[name]

    return user


@pytest.mark.parametrize("who", REFUSED)
@pytest.mark.parametrize("edit", EDITS)
def test_only_the_tandem_and_the_supervisor_edit_a_plan(edit, who, plan_with_goal, refused, origin):
    user = refused(who)
    with db_state.unchanged(), pytest.raises(PermissionDenied):
        EDITS[edit](plan_with_goal, user, origin)


@pytest.mark.parametrize("who", ["worker", "peer", "supervisor"])
@pytest.mark.parametrize("edit", ["update", "advance-statement", "goal", "action", "comment"])
def test_the_tandem_and_the_supervisor_edit_a_plan(
    edit, who, plan_with_goal, users_by_role, origin
):
    version = plan_with_goal.version
    EDITS[edit](plan_with_goal, users_by_role[who], origin)
    plan = CarePlan.objects.get(pk=plan_with_goal.pk)
    assert plan.version > version or plan.comments.exists()


@pytest.mark.parametrize("who", ["outsider", "colleague", "inactive_worker", "coordinator"])
def test_only_the_tandem_and_the_supervisor_start_a_plan(who, episode, refused, origin):
    user = refused(who)
    with db_state.unchanged(), pytest.raises(PermissionDenied):
        services.careplan_create(episode=episode, author=user, origin=origin)


@pytest.mark.parametrize(
    "who", ["supervisor", "outsider", "outside_supervisor", "colleague", "inactive_worker"]
)
def test_only_the_tandem_signs(who, plan, refused, users_by_role, origin):
    user = users_by_role["supervisor"] if who == "supervisor" else refused(who)
    with db_state.unchanged(), pytest.raises(PermissionDenied):
        services.careplan_sign(careplan=plan, user=user, plan_version=plan.version, origin=origin)


def test_an_action_is_given_only_to_a_member_of_the_tandem(
    plan_with_goal, worker, outsider, origin
):
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        services.action_add(
            goal=plan_with_goal.goals.get(),
            author=worker,
            expected_version=plan_with_goal.version,
            what="x",
            who="tandem",
            staff=outsider,
            origin=origin,
        )
    assert list(exc.value.message_dict) == ["staff"]


@pytest.fixture
def assessment(team_client, worker, origin):
    instrument = InstrumentFactory()
    return assessment_services.assessment_record(
        client=team_client,
        instrument=instrument,
        author=worker,
        assessed_on=TODAY(),
        answers={"a": 1, "b": 2},
        origin=origin,
    )


def _correct(assessment, user, origin):
    return assessment_services.assessment_update(
        assessment=assessment,
        actor=user,
        assessed_on=assessment.assessed_on,
        answers={"a": 4, "b": 4},
        origin=origin,
    )


@pytest.mark.parametrize("who", ["peer", "supervisor", "outsider", "inactive_worker"])
def test_only_the_worker_who_recorded_an_assessment_corrects_it(
    who, assessment, refused, users_by_role, origin
):
    user = users_by_role.get(who) if who in ("peer", "supervisor") else refused(who)
    with db_state.unchanged(), pytest.raises(PermissionDenied):
        _correct(assessment, user, origin)


def test_the_worker_who_recorded_an_assessment_corrects_it(assessment, worker, origin):
    assert _correct(assessment, worker, origin).score == 8
