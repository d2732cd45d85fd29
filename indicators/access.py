"""Who sees which figures and reports, and who writes them, built on `outreach.access`.

The only module of `indicators` that compares roles: views, services and templates (through
`indicators.context_processors`) ask these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach import access
from outreach.models import Role, Team

from . import drilldown

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from outreach.models import User

# Who reads the municipality's reports and the teams' figures.
FIGURE_ROLES = frozenset({Role.SUPERVISOR, Role.COORDINATOR})


def figure_teams(user: User) -> QuerySet[Team]:
    """Teams whose figures the user sees: a supervisor's teams, a coordinator's municipality's."""
    if access.has_role(user, Role.SUPERVISOR):
        return access.visible_teams(user)
    if access.has_role(user, Role.COORDINATOR):
        return Team.objects.filter(municipality__in=access.visible_municipalities(user))
    return Team.objects.none()


def sees_figures(user: User) -> bool:
    """Tell whether the user has the municipal reports and team figures (menu)."""
    return access.has_role(user, *FIGURE_ROLES)


def can_write_reports(user: User) -> bool:
    """Tell whether the user drafts, edits, publishes and corrects reports (coordinators).

    Which reports: those of `outreach.access.visible_municipalities`; supervisors only read them.
    """
    return access.has_role(user, Role.COORDINATOR)


def sees_client_names_in_figures(user: User) -> bool:
    """Tell whether a drill-down shows the user names and links (supervisors), not codes only."""
    return access.has_role(user, Role.SUPERVISOR)


def can_drill_down(user: User, key: str) -> bool:
    """Tell whether the user may list the records counted in the figure `key` of a team.

    Supervisors drill into every figure that has a query; coordinators into caseload figures
    only, as their list of codes with admissions, coercion or crises would be a record of
    clinical events.
    """
    if key not in drilldown.QUERIES or not sees_figures(user):
        return False
    return access.has_role(user, Role.SUPERVISOR) or key in drilldown.NON_CLINICAL


def can_review_caseload(user: User) -> bool:
    """Tell whether the user has the caseload review of their teams (supervisors)."""
    return access.has_role(user, Role.SUPERVISOR)


def sees_exact_figures(user: User, team: Team) -> bool:
    """Supervisors of the team see its figures exact; for anyone else they leave the team.

    Outside the team (coordinators) figures are suppressed as in the published reports: a
    count from 1 to 4 shows `<5`, a statistic over fewer than 5 items `n<5`.
    """
    return access.can_manage_team(user, team)


def exact_figure_teams(user: User) -> QuerySet[Team]:
    """The teams whose figures the user sees exact (`sees_exact_figures`), for a list at once."""
    return access.managed_teams(user)


def can_refresh_figures(user: User, team: Team) -> bool:
    """Tell whether the user may queue the recomputation of a team's figures ("Refresh").

    Supervisors for the teams they supervise, coordinators for the teams of their municipality.
    """
    if access.can_manage_team(user, team):
        return True
    return (
        access.has_role(user, Role.COORDINATOR)
        and access.visible_municipalities(user).filter(pk=team.municipality_id).exists()
    )


def has_my_work(user: User) -> bool:
    """Tell whether the user has My work: tandem workers, and supervisors for their tandems."""
    return access.works_in_tandem(user) or access.has_role(user, Role.SUPERVISOR)


def picks_tandem_for_my_work(user: User) -> bool:
    """Tell whether My work shows the user a tandem picker (supervisors), not their own list."""
    return access.has_role(user, Role.SUPERVISOR)
