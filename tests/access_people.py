"""Everyone an access question can be asked about: each role, inactive accounts, anonymous.

`answers(question, people)` asks a question about every one of them, so a test states the whole
table of who gets yes: removing a rule from an access module changes the table and fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from outreach.models import Role
from tests.factories import UserFactory

EVERYONE = (
    "worker",
    "peer",
    "supervisor",
    "coordinator",
    "partner",
    "admin",
    "dpo",
    "outsider",
    "outside_supervisor",
    "inactive_worker",
    "inactive_supervisor",
    "inactive_coordinator",
    "inactive_admin",
    "anonymous",
)
# The workers and the supervisor of the team, and of the other team.
TEAM_STAFF = {"worker", "peer", "supervisor", "outsider", "outside_supervisor"}
WORKERS = {"worker", "peer", "outsider"}
SUPERVISORS = {"supervisor", "outside_supervisor"}


@pytest.fixture
def people(users_by_role, team, municipality) -> dict[str, Any]:
    """One user per name of EVERYONE; the inactive ones are of the team (or municipality)."""
    inactive = {
        "inactive_worker": UserFactory(role=Role.PROFESSIONAL, teams=[team], is_active=False),
        "inactive_supervisor": UserFactory(role=Role.SUPERVISOR, teams=[team], is_active=False),
        "inactive_coordinator": UserFactory(
            role=Role.COORDINATOR, municipality=municipality, is_active=False
        ),
        "inactive_admin": UserFactory(
            role=Role.ADMIN, is_staff=True, is_superuser=True, is_active=False
        ),
    }
    return {**users_by_role, **inactive, "anonymous": AnonymousUser()}


def answers(question: Callable[..., Any], people: dict[str, Any], *args: Any) -> dict[str, bool]:
    """Ask `question(user, *args)` about everyone; return who got which answer."""
    return {name: bool(question(people[name], *args)) for name in EVERYONE}


def only(names: set[str]) -> dict[str, bool]:
    """The table where exactly `names` get yes."""
    unknown = names - set(EVERYONE)
    assert not unknown, unknown
    return {name: name in names for name in EVERYONE}
