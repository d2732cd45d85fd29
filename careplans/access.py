"""Who does what with care plans and assessments, built on `outreach.access`.

The only place for the yes/no questions of this app: views, the API, services and templates
(through the context the views pass) ask these functions and compare no role themselves.
Which plans and assessments a user may *see* is `outreach.access.scoped(...)` in the selectors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach import access

if TYPE_CHECKING:
    from careplans.models import Assessment, CarePlan
    from outreach.models import Client, User


def _writes_plan_of(user: User, client: Client) -> bool:
    # One query (the client is visible), then the tandem (loaded) or one more (the team's
    # supervisors): the plan page's query count depends on this order.
    if not access.visible_clients(user).filter(pk=client.pk).exists():
        return False
    return access.is_in_tandem(user, client) or access.can_manage_team(user, client.team)


def can_start_plan(user: User, client: Client) -> bool:
    """Tell whether the user may start the client's plan: the tandem or the team's supervisors."""
    return _writes_plan_of(user, client)


def can_edit_plan(user: User, plan: CarePlan) -> bool:
    """Tell whether the user may change the plan: the client's tandem or the team's supervisors.

    Editing covers the goals and actions, the advance statement, the client's answer, their
    comments and the reviews.
    """
    return _writes_plan_of(user, plan.client)


def can_sign_plan(user: User, plan: CarePlan) -> bool:
    """Tell whether the user may sign off the plan: the two members of the client's tandem."""
    return access.is_in_tandem(user, plan.client)


def can_share_crisis_sheet(user: User, plan: CarePlan) -> bool:
    """Tell whether the user may share the plan's crisis sheet: staff who may open the client."""
    return access.visible_clients(user).filter(pk=plan.client.pk).exists()


def sees_due_lists(user: User) -> bool:
    """Tell whether the user has the lists of plan reviews and assessments due (team staff)."""
    return access.works_in_team(user)


def due_lists_start_with_own_clients(user: User) -> bool:
    """Tell whether the due lists open on the user's own tandem (workers) or the whole team."""
    return access.works_in_tandem(user)


def can_correct_assessment(user: User, assessment: Assessment) -> bool:
    """Tell whether the user may correct the assessment: the worker who recorded it."""
    return access.is_active(user) and assessment.author_id == user.pk
