"""My work: the worker's start page, and a supervisor's view of it per tandem."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from indicators import access
from indicators.mywork import menu
from indicators.mywork import selectors as mywork
from outreach import audit
from outreach.origin import Origin
from referrals import selectors as referral_selectors


def _scope(request: HttpRequest):
    """The tandems shown, the picker's choices and the picked tandem (pk string or "")."""
    user = request.user
    picked = request.GET.get("tandem", "")
    if access.picks_tandem_for_my_work(user):
        choices = mywork.tandem_choices(user)
        tandems = choices
        if picked:
            tandems = [t for t in choices if str(t.pk) == picked]
            if not tandems:
                raise Http404
        return mywork.work_scope(user=user, tandems=tandems, own=False), choices, picked
    if picked:
        raise Http404
    return mywork.work_scope(user=user, tandems=mywork.worker_tandems(user), own=True), [], ""


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Everything that needs the worker or their tandem: overdue, today, this week, later."""
    if not access.has_my_work(request.user):
        raise Http404
    generation = menu.generation()
    scope, choices, picked = _scope(request)
    work = mywork.my_work(scope)
    if not picked:
        menu.store(
            request.user, generation=generation, total=work.count, overdue=work.overdue_count
        )
    audit.record_many(
        action="mywork.view",
        client_ids=work.client_ids,
        origin=Origin.from_request(request),
        detail={"tandem": picked or None},
    )
    context = {"work": work, "choices": choices, "picked": picked, "scope": scope}
    if access.picks_tandem_for_my_work(request.user):
        # Supervisors: free places of their teams to offer to the waiting list.
        context["free_places"] = referral_selectors.free_places(user=request.user)
    return render(request, "indicators/mywork/my_work.html", context)


@login_required
def my_work_count(request: HttpRequest) -> HttpResponse:
    """The menu's counts when the cache has none: computed, kept, and sent as a fragment."""
    if not access.has_my_work(request.user):
        raise Http404
    generation = menu.generation()
    scope, _choices, _picked = _scope(request)
    work = mywork.my_work(scope)
    counts = menu.store(
        request.user, generation=generation, total=work.count, overdue=work.overdue_count
    )
    return render(request, "indicators/mywork/_menu_count.html", {"counts": counts})
