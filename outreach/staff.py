"""Who may be recorded as staff of a client's contact or event: an active member of the team.

Forms offer `team_staff(team)` as the choices and services refuse anyone else with
`check_team_staff`, so a page, the API and the importer of a service agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from outreach import access
from outreach.models import Team, User


def team_staff(team: Team | int) -> QuerySet[User]:
    """Active workers and supervisors of a team, by name."""
    return access.team_workers(team).distinct().order_by("last_name", "first_name")


def check_team_staff(
    team: Team | int, staff: Iterable[User], *, field: str = "staff"
) -> list[User]:
    """Return `staff` as a list; refuse anyone who is not an active member of the team."""
    staff = list(staff)
    members = set(
        team_staff(team).filter(pk__in=[u.pk for u in staff]).values_list("pk", flat=True)
    )
    if any(person.pk not in members for person in staff):
        # Names nobody: the caller may have passed a user they may not see (issue 11).
        message = _("Choose only active members of the client's team.")
        raise ValidationError({field: ValidationError(message, code="staff_not_in_team")})
    return staff
