"""Referral pages: parse, check access, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from outreach import access as core_access
from outreach import audit
from outreach.forms import apply_validation_error
from outreach.models import Tandem, Team, User
from outreach.origin import Origin
from outreach.submissions import idempotent_create
from referrals import access, selectors, services
from referrals.forms import (
    DecisionForm,
    DuplicateCheckForm,
    FairnessForm,
    ReferralForm,
    ScreeningForm,
)
from referrals.models import CheckStatus, ReferralScore, Status

STATUS_TABS = [
    ("open", gettext_lazy("To triage")),
    ("waitlisted", gettext_lazy("Waiting list")),
    ("decided", gettext_lazy("Decided")),
    ("all", gettext_lazy("All")),
]


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """Partners and workers: their own referrals. Coordinators and supervisors: the triage list."""
    user = request.user
    triage = access.can_triage(user)
    if not triage and not access.can_submit(user):
        raise Http404
    status = request.GET.get("status", "open") if triage else "all"
    if status not in {key for key, _label in STATUS_TABS}:
        status = "open"
    referrals = list(selectors.referral_list(user=user, status=status))
    audit.record(
        actor=user,
        action="referral.list",
        origin=Origin.from_request(request),
        detail={"status": status, "count": len(referrals)},
    )
    return render(
        request,
        "referrals/referral_list.html",
        {
            "referrals": referrals,
            "triage": triage,
            "status": status,
            "tabs": [(key, str(label)) for key, label in STATUS_TABS],
            "can_submit": access.can_submit(user),
            "free_places": selectors.free_places(user=user) if triage else [],
            "checks_to_do": (
                selectors.duplicate_check_list(user=user).count()
                if triage and access.can_check_duplicates(user)
                else 0
            ),
            **_nav(user),
        },
    )


@login_required
@idempotent_create()
def referral_create(request: HttpRequest) -> HttpResponse:
    """Submit a referral (partner), or record one received by phone, letter or in person."""
    user = request.user
    municipalities = access.submit_municipalities(user)
    if not access.can_submit(user) or not municipalities.exists():
        raise Http404
    staff = access.records_received_referrals(user)
    initial = {}
    if not staff:
        # A partner refers on behalf of their organisation: fill in who they are.
        initial = {
            "source_organisation": user.organisation,
            "referrer_name": user.get_full_name(),
            "referrer_phone": user.phone,
        }
        # The kind of source they chose last time (a directorate refers as a directorate).
        last_source = selectors.last_source(user)
        if last_source:
            initial["source"] = last_source
    form = ReferralForm(
        request.POST or None, municipalities=municipalities, staff=staff, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.SUBMIT_FIELDS}
        try:
            referral = services.referral_submit(
                actor=user,
                municipality=form.chosen_municipality(),
                received_at=form.cleaned_data.get("received_at"),
                origin=Origin.from_request(request),
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Referral received. You can follow its status here."))
            return redirect(referral)
    return render(request, "referrals/referral_form.html", {"form": form, "staff": staff})


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One referral: the referrer sees status and outcome; triage roles see all and the clocks."""
    referral = access.referral_for_request(request, pk)
    context = {"referral": referral, "triage": access.can_triage(request.user)}
    if context["triage"]:
        context["scores"] = list(
            ReferralScore.objects.filter(referral=referral).select_related(
                "version__municipality", "scored_by"
            )
        )
        if context["scores"]:
            context["explanation"] = selectors.localised_explanation(context["scores"][0])
        context["clocks"] = selectors.referral_clocks(referral)
        context["client_visible"] = bool(
            referral.client_id
            and core_access.visible_clients(request.user).filter(pk=referral.client_id).exists()
        )
        context["decidable"] = referral.is_open
        context["current_version"] = _current_version_or_none(referral)
    return render(request, "referrals/referral_detail.html", context)


def _current_version_or_none(referral):
    try:
        return services.current_criteria(referral.municipality)
    except ValidationError:
        return None


@login_required
def referral_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill in the eligibility checklist; the score and its explanation are stored."""
    referral = access.referral_for_request(request, pk, triage=True)
    try:
        version = services.current_criteria(referral.municipality)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(referral)
    criteria = list(version.criteria.all())
    form = ScreeningForm(request.POST or None, criteria=criteria, initial_answers=referral.answers)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.referral_screen(
                referral=referral,
                actor=request.user,
                answers=form.answers(),
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Checklist saved: score %(score)s, %(eligible)s.")
                % {
                    "score": result.score,
                    "eligible": _("eligible") if result.eligible else _("not eligible"),
                },
            )
            return redirect(referral)
    return render(
        request,
        "referrals/referral_screen.html",
        {"referral": referral, "form": form, "version": version},
    )


@login_required
@require_POST
def referral_rescore(request: HttpRequest, pk: int) -> HttpResponse:
    """Score the stored answers under the current criteria version (the old score is kept)."""
    referral = access.referral_for_request(request, pk, triage=True)
    try:
        result = services.referral_rescore(
            referral=referral, actor=request.user, origin=Origin.from_request(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Re-scored under %(version)s: %(score)s.")
            % {"version": result.version, "score": result.score},
        )
    return redirect(referral)


@login_required
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (with duplicate resolution), put on the waiting list, decline or mark withdrawn."""
    referral = access.referral_for_request(request, pk, triage=True)
    if not referral.is_open:
        messages.error(request, _("This referral has already been decided."))
        return redirect(referral)
    teams = Team.objects.filter(municipality=referral.municipality)
    tandems = Tandem.objects.filter(team__in=teams, ended_on__isnull=True).select_related(
        "team", "professional", "peer"
    )
    origin = Origin.from_request(request)
    # Clients added since the referral came in may match too: their teams are asked now.
    services.duplicate_checks_open(referral=referral, actor=request.user, origin=origin)
    matches = selectors.duplicate_matches(user=request.user, referral=referral)
    candidates = matches.candidates
    # Each client shown as a possible duplicate has this on their own trail; so has each one
    # matched but not shown: a probe leaves a trace on the record it hit.
    audit.record_many(
        action="referral.duplicates_view",
        target=referral,
        client_ids=[c.pk for c in candidates],
        origin=origin,
        detail={"shown": True},
    )
    audit.record_many(
        action="referral.duplicates_view",
        target=referral,
        client_ids=list(matches.hidden_ids),
        origin=origin,
        detail={"shown": False},
    )
    initial = {"team": referral.team_id}
    # "Offer the place" of a team with free places: accept into that team (the tandem is chosen).
    offer = _offered_team(request, referral)
    if offer is not None:
        initial.update(decision=DecisionForm.ACCEPT, team=offer.pk)
    form = DecisionForm(
        request.POST or None,
        teams=teams,
        tandems=tandems,
        candidates=candidates,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "referral": referral,
            "actor": request.user,
            "decided_at": data["decided_at"],
            "origin": origin,
        }
        try:
            if data["decision"] == DecisionForm.ACCEPT:
                referral = services.referral_accept(
                    team=data["team"],
                    tandem=data["tandem"],
                    link_client=form.linked_client(),
                    new_client=data.get("client") == "new",
                    reason=data["reason"],
                    **common,
                )
            elif data["decision"] == DecisionForm.WAITLIST:
                referral = services.referral_waitlist(
                    team=data["team"], reason=data["reason"], **common
                )
            elif data["decision"] == DecisionForm.DECLINE:
                referral = services.referral_decline(reason=data["reason"], **common)
            else:
                referral = services.referral_withdraw(reason=data["reason"], **common)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if referral.status == Status.WAITLISTED:
                messages.warning(
                    request,
                    _("%(team)s is at capacity or the referral waits: it is on the waiting list.")
                    % {"team": referral.team},
                )
            else:
                messages.success(
                    request,
                    _("Decision recorded: %(status)s.") % {"status": referral.get_status_display()},
                )
            return redirect(referral)
    return render(
        request,
        "referrals/referral_decide.html",
        {
            "referral": referral,
            "form": form,
            "candidates": candidates,
            "hold": matches.hold,
            "teams": selectors.team_load(user=request.user),
            "offer": offer,
        },
    )


def _offered_team(request: HttpRequest, referral):
    """The team whose free place is offered (?offer=<team>): the referral's own waiting list,
    a team the user offers places of; None otherwise."""
    raw = request.GET.get("offer", "")
    if not raw.isdigit() or referral.status != Status.WAITLISTED or referral.team_id != int(raw):
        return None
    return access.place_offer_teams(request.user).filter(pk=int(raw)).first()


@login_required
def waiting_list(request: HttpRequest) -> HttpResponse:
    """The ranked waiting list per team, with days waiting."""
    if not access.can_triage(request.user):
        raise Http404
    rows = list(selectors.waiting_list(user=request.user))
    today = timezone.localdate()
    for row in rows:
        since = row.waitlisted_at or row.received_at
        row.days_waiting = (today - timezone.localdate(since)).days
    ranked: list = []
    for row in rows:
        if ranked and ranked[-1][0] == row.team:
            ranked[-1][1].append(row)
        else:
            ranked.append((row.team, [row]))
    audit.record(
        action="referral.waiting_list",
        origin=Origin.from_request(request),
        detail={"count": len(rows)},
    )
    return render(
        request,
        "referrals/referral_waiting_list.html",
        {
            "groups": ranked,
            "teams": selectors.team_load(user=request.user),
            "free_places": selectors.free_places(user=request.user),
            **_nav(request.user),
        },
    )


@login_required
def fairness(request: HttpRequest) -> HttpResponse:
    """Received, accepted, declined and median days by age band and by sex for a period."""
    if not access.can_triage(request.user):
        raise Http404
    first, last = selectors.quarter_bounds(timezone.localdate())
    form = FairnessForm(request.GET or {"first": first, "last": last})
    table = None
    if form.is_valid():
        table = selectors.fairness(
            user=request.user, first=form.cleaned_data["first"], last=form.cleaned_data["last"]
        )
    return render(
        request,
        "referrals/referral_fairness.html",
        {"form": form, "table": table, **_nav(request.user)},
    )


def _nav(user: User) -> dict[str, bool]:
    """What the referral pages' navigation offers the user."""
    return {"nav_checks": access.can_check_duplicates(user)}


@login_required
def duplicatecheck_list(request: HttpRequest) -> HttpResponse:
    """Possible duplicates of undecided referrals among the clients of the supervisor's teams."""
    if not access.can_check_duplicates(request.user):
        raise Http404
    checks = list(selectors.duplicate_check_list(user=request.user))
    audit.record(
        action="referral.duplicate_check_list",
        origin=Origin.from_request(request),
        detail={"count": len(checks)},
    )
    return render(
        request,
        "referrals/duplicatecheck_list.html",
        {"checks": checks, **_nav(request.user)},
    )


@login_required
def duplicatecheck_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral beside the team's clients it matched: same person (which one) or not."""
    check = access.duplicate_check_for_request(request, pk)
    referral = check.referral
    origin = Origin.from_request(request)
    candidates = selectors.duplicate_check_candidates(user=request.user, check=check)
    audit.record_many(
        action="referral.duplicates_view",
        target=referral,
        client_ids=[c.pk for c in candidates],
        origin=origin,
        detail={"shown": True, "check": check.pk},
    )
    initial = {}
    if check.status == CheckStatus.SAME and check.client_id:
        initial["answer"] = str(check.client_id)
    elif check.status == CheckStatus.DIFFERENT:
        initial["answer"] = DuplicateCheckForm.DIFFERENT
    form = DuplicateCheckForm(
        request.POST or None, candidates=candidates, initial={**initial, "note": check.note}
    )
    if request.method == "POST" and referral.is_open and form.is_valid():
        try:
            check = services.duplicate_check_resolve(
                check=check,
                actor=request.user,
                status=form.status(),
                client=form.chosen_client(),
                note=form.cleaned_data["note"],
                origin=origin,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if check.status == CheckStatus.SAME:
                messages.success(
                    request,
                    _(
                        "Recorded: the referred person is %(client)s. Decide the referral here: "
                        "accept it into your team with that record, or decline it."
                    )
                    % {"client": check.client.full_name},
                )
                return redirect("referrals:referral-decide", pk=referral.pk)
            messages.success(
                request,
                _("Recorded: not the same person. The referral can be accepted as a new person."),
            )
            return redirect("referrals:duplicatecheck-list")
    return render(
        request,
        "referrals/duplicatecheck_resolve.html",
        {"check": check, "referral": referral, "candidates": candidates, "form": form},
    )
