"""The "due and overdue" card of the caseload: plan reviews, assessments and debriefs.

The outreach caseload cannot import this app, so it loads this card by URL with htmx.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from careplans import access as plan_access
from careplans import selectors
from careplans.assessments import selectors as assessment_selectors
from outreach import access, audit
from outreach.caserecord.selectors import debriefs_overdue
from outreach.models import Client
from outreach.origin import Origin

# The card on the caseload shows this many clients; its page shows all of them.
CARD_CLIENTS = 8


def _by_client(reviews, assessments, debriefs) -> list[dict]:
    """Group the due items per client, the clients with the oldest overdue item first."""
    groups: dict[int, dict] = {}

    def add(client: Client, *, label: str, due_on, overdue: bool, url: str) -> None:
        group = groups.setdefault(client.pk, {"client": client, "items": []})
        group["items"].append({"label": label, "due_on": due_on, "overdue": overdue, "url": url})

    for r in reviews:
        add(
            r.client,
            label=r.next.label,
            due_on=r.next.due_on,
            overdue=r.next.overdue,
            url=reverse("careplans:client-plan", args=[r.client.pk]),
        )
    for d in assessments:
        add(
            d.client,
            label=f"{d.instrument.code.upper()} · {d.timepoint_label}",
            due_on=d.due_on,
            overdue=d.overdue,
            url=reverse("careplans:assessment-create", args=[d.client.pk])
            + f"?instrument={d.instrument.code}",
        )
    for m in debriefs:
        add(
            m.client,
            label=_("Debrief after %(kind)s") % {"kind": m.get_kind_display().lower()},
            due_on=m.debrief_due_on,
            overdue=True,
            url=reverse("outreach:debrief-update", args=[m.client_id, m.pk]),
        )
    for group in groups.values():
        group["items"].sort(key=lambda i: (not i["overdue"], i["due_on"]))
        group["overdue"] = any(i["overdue"] for i in group["items"])
    return sorted(
        groups.values(),
        key=lambda g: (not g["overdue"], g["items"][0]["due_on"], g["client"].full_name),
    )


@login_required
@vary_on_headers("HX-Request")
def due_card(request: HttpRequest) -> HttpResponse:
    """Plan reviews and assessments due or overdue, and overdue debriefs, of my tandem or team."""
    user = request.user
    if not plan_access.sees_due_lists(user):
        raise Http404
    default = "mine" if plan_access.due_lists_start_with_own_clients(user) else "team"
    mine = request.GET.get("scope", default) == "mine"
    today = timezone.localdate()
    reviews = selectors.reviews_due(user=user, today=today, mine=mine)
    clients = access.visible_clients(user)
    if mine:
        clients = clients.filter(Q(tandem__professional=user) | Q(tandem__peer=user))
    assessments = assessment_selectors.assessments_due(user=user, today=today, clients=clients)
    debriefs = list(debriefs_overdue(user=user, mine=mine, today=today))
    groups = _by_client(reviews, assessments, debriefs)
    shown = groups[:CARD_CLIENTS] if request.htmx else groups
    # Only the clients whose names are shown count as read.
    audit.record_many(
        actor=user,
        action="careplan.due_card.view",
        client_ids=[g["client"].pk for g in shown],
        origin=Origin.from_request(request),
        detail={"scope": "mine" if mine else "team"},
    )
    context = {
        "groups": shown,
        "more": len(groups) - len(shown),
        "overdue_count": sum(1 for g in groups if g["overdue"]),
        "total": len(groups),
        "reviews": reviews,
        "assessments": assessments,
        "debriefs": debriefs,
        "mine": mine,
        "today": today,
    }
    template = "careplans/_due_card.html" if request.htmx else "careplans/due_card.html"
    return render(request, template, context)
