"""The care plan on the client page's first screen: status, next review, goals and next actions."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch

from careplans import selectors, services
from careplans.models import Action, Goal
from careplans.schedule import next_review
from outreach.clientpage import client_section

if TYPE_CHECKING:
    from django.http import HttpRequest

    from outreach.models import Client

# Goals shown on the first screen; the plan page has the rest.
GOALS_SHOWN = 4


@client_section("careplan", order=20, template="careplans/_client_summary.html")
def plan_summary(request: HttpRequest, client: Client, today: date) -> dict[str, Any]:
    """The plan of the open episode with its goals under way and each goal's next open action."""
    plan = selectors.client_plan(user=request.user, client=client, reading=True)
    context: dict[str, Any] = {"plan": plan, "today": today}
    if plan is None:
        episode = client.episodes.filter(ended_on__isnull=True).order_by("-started_on").first()
        context["episode"] = episode
        if episode:
            context["next"] = next_review(
                started_on=episode.started_on, first_agreed=False, reviewed_months=(), today=today
            )
        return context
    plan.episode.client = client
    context["next"] = selectors.plan_next_review(plan, today)
    context["state"] = services.version_state(plan, plan.signoffs.all(), plan.responses.all())
    open_actions = Action.objects.filter(done_on__isnull=True).select_related(
        "staff", "support_person"
    )
    goals = list(
        Goal.objects.filter(careplan=plan)
        .exclude(status__in=[Goal.Status.ACHIEVED, Goal.Status.DROPPED])
        .prefetch_related(Prefetch("actions", queryset=open_actions, to_attr="open_actions"))
        .order_by("created_at", "pk")
    )
    for goal in goals:
        dated = sorted(
            (a for a in goal.open_actions), key=lambda a: (a.due_on is None, a.due_on or today)
        )
        goal.next_action = dated[0] if dated else None
    context["goals"] = goals[:GOALS_SHOWN]
    context["more_goals"] = max(0, len(goals) - GOALS_SHOWN)
    return context
