"""The "due and overdue" card of the caseload: plan reviews, assessments and debriefs.

The outreach caseload cannot import this app, so it loads this card by URL with htmx.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from careplans import assessment_selectors, selectors
from outreach import access, audit
from outreach.event_selectors import debriefs_overdue
from outreach.models import TEAM_ROLES, Role


@login_required
@vary_on_headers("HX-Request")
def due_card(request: HttpRequest) -> HttpResponse:
    """Plan reviews and assessments due or overdue, and overdue debriefs, of my tandem or team."""
    user = request.user
    if user.role not in TEAM_ROLES:
        raise Http404
    default = "team" if user.role == Role.SUPERVISOR else "mine"
    mine = request.GET.get("scope", default) == "mine"
    today = timezone.localdate()
    reviews = selectors.reviews_due(user=user, today=today, mine=mine)
    clients = access.visible_clients(user)
    if mine:
        clients = clients.filter(Q(tandem__professional=user) | Q(tandem__peer=user))
    assessments = assessment_selectors.assessments_due(user=user, today=today, clients=clients)
    debriefs = list(debriefs_overdue(user=user, mine=mine, today=today))
    client_ids = (
        {r.client.pk for r in reviews}
        | {a.client.pk for a in assessments}
        | {m.client_id for m in debriefs}
    )
    audit.record_many(
        actor=user,
        action="careplan.due_card.view",
        client_ids=client_ids,
        request=request,
        detail={"scope": "mine" if mine else "team"},
    )
    context = {
        "reviews": reviews,
        "assessments": assessments,
        "debriefs": debriefs,
        "mine": mine,
        "today": today,
        "empty": not (reviews or assessments or debriefs),
    }
    template = "careplans/_due_card.html" if request.htmx else "careplans/due_card.html"
    return render(request, template, context)
