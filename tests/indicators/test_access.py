"""The questions of `indicators.access`, asked directly about every role, inactive and anonymous."""

from __future__ import annotations

import pytest

from indicators import access, drilldown
from outreach.models import Municipality, Role
from tests.access_people import SUPERVISORS, answers, only, people
from tests.factories import TeamFactory, UserFactory

__all__ = ["people"]  # the fixture

FIGURE_READERS = {"supervisor", "outside_supervisor", "coordinator"}
CLINICAL = sorted(set(drilldown.QUERIES) - drilldown.NON_CLINICAL)
NON_CLINICAL = sorted(drilldown.NON_CLINICAL & set(drilldown.QUERIES))


def test_figure_teams(people, team, other_team):
    elsewhere = TeamFactory(municipality=Municipality.objects.create(name="Varna", slug="varna"))
    seen = {name: set(access.figure_teams(people[name])) for name in people}
    assert seen == {
        **{name: set() for name in people},
        "supervisor": {team},
        "outside_supervisor": {other_team},
        "coordinator": {team, other_team},
    }
    assert elsewhere not in access.figure_teams(
        UserFactory(role=Role.COORDINATOR, municipality=team.municipality)
    )


@pytest.mark.parametrize(
    ("question", "true_for"),
    [
        (access.sees_figures, FIGURE_READERS),
        (access.can_write_reports, {"coordinator"}),
        (access.sees_client_names_in_figures, SUPERVISORS),
        (access.can_review_caseload, SUPERVISORS),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_who_gets_yes(people, question, true_for):
    assert answers(question, people) == only(true_for)


def test_there_are_clinical_and_caseload_figures_to_drill_into():
    assert CLINICAL and NON_CLINICAL


@pytest.mark.parametrize("key", CLINICAL)
def test_only_supervisors_drill_into_clinical_figures(people, key):
    assert answers(access.can_drill_down, people, key) == only(SUPERVISORS)


@pytest.mark.parametrize("key", NON_CLINICAL)
def test_coordinators_drill_into_caseload_figures(people, key):
    assert answers(access.can_drill_down, people, key) == only(FIGURE_READERS)


def test_nobody_drills_into_a_figure_without_a_query(people):
    assert answers(access.can_drill_down, people, "no_such_figure") == only(set())
