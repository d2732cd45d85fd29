"""The supervisor's caseload review page: parse, check access, call the selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from indicators import access
from indicators.supervision import selectors as supervision
from outreach import audit
from outreach.origin import Origin


@login_required
@vary_on_headers("HX-Request")
def caseload_review(request: HttpRequest) -> HttpResponse:
    """Who needs attention in the supervisor's teams: flags per client and counts per tandem."""
    if not access.can_review_caseload(request.user):
        raise Http404
    teams = supervision.review_teams(request.user)
    if not teams:
        raise Http404
    team = None
    if request.GET.get("team"):
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
        if team is None:
            raise Http404
    tandems = supervision.review_tandems(teams=[team] if team else teams)
    tandem = request.GET.get("tandem", "")
    if tandem and tandem != "none" and tandem not in {str(t.pk) for t in tandems}:
        tandem = ""
    flag = request.GET.get("flag", "")
    if flag not in supervision.FLAG_KINDS and flag != "all":
        flag = ""
    sort = request.GET.get("sort", "flags")
    if sort not in supervision.SORTS:
        sort = "flags"
    review = supervision.caseload_review(
        user=request.user, team=team, tandem=tandem, flag=flag, sort=sort
    )
    audit.record_many(
        action="caseload_review.view",
        client_ids=[r.client.pk for r in review.rows],
        origin=Origin.from_request(request),
        detail={"flag": flag, "team": team.pk if team else None, "tandem": tandem},
    )
    context = {
        "review": review,
        "teams": teams,
        "team": team,
        "tandems": tandems,
        "tandem": tandem,
        "flag": flag,
        "sort": sort,
        "flag_kinds": supervision.FLAG_KINDS,
        "sorts": supervision.SORTS,
    }
    template = (
        "indicators/supervision/_caseload_review.html"
        if request.htmx
        else "indicators/supervision/caseload_review.html"
    )
    return render(request, template, context)
