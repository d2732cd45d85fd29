"""Care plan pages: parse, check access, call a selector or service, render."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from careplans import access as plan_access
from careplans import diff, forms, selectors, services
from careplans.models import Action, CarePlan, Contributor, Goal, LifeDomain
from careplans.pdf import render_pdf
from careplans.schedule import next_review, review_dates
from outreach import access, audit
from outreach.forms import DoneForm, apply_validation_error, errors_text
from outreach.models import SupportPerson
from outreach.origin import Origin
from outreach.safeguarding import selectors as safeguarding_selectors
from outreach.submissions import idempotent_create


def _plan_or_404(
    request: HttpRequest, pk: int, *, full: bool = False, reading: bool = False
) -> CarePlan:
    """A plan the user may see, or 404 (no audit: the caller audits once its checks passed).

    `reading`: a page that changes nothing, which an emergency grant also opens; the plan then
    carries the grant as `emergency_access` and the read is flagged in the audit log.
    """
    try:
        if full:
            plan = selectors.careplan_get(user=request.user, pk=pk, reading=reading)
        else:
            plan = selectors.careplan_list(user=request.user, reading=reading).get(pk=pk)
    except CarePlan.DoesNotExist as exc:
        raise Http404 from exc
    grant = None
    if reading and not plan.of_own_team:
        grant = access.active_grant(request.user, plan.client)
    plan.emergency_access = grant
    return plan


def _audit_plan_read(
    request: HttpRequest, plan: CarePlan, *, action: str, form: str | None = None
) -> None:
    detail: dict[str, Any] = {
        "version": plan.version,
        **access.emergency_detail(getattr(plan, "emergency_access", None)),
    }
    if form is not None:
        detail["form"] = form
    audit.record(
        action=action,
        target=plan,
        client=plan.client,
        origin=Origin.from_request(request),
        detail=detail,
    )


def _plan_for_request(
    request: HttpRequest, pk: int, *, action: str, full: bool = False, reading: bool = False
) -> CarePlan:
    """A plan the user may see (404 otherwise), with the read audited."""
    plan = _plan_or_404(request, pk, full=full, reading=reading)
    _audit_plan_read(request, plan, action=action)
    return plan


def _editable_plan(request: HttpRequest, pk: int, *, form: str, audited: bool = True) -> CarePlan:
    """A plan the user may edit, its form opened: audited as a read once every check passed.

    Only a successful save records a change (the service's own audit row); a refused request
    (404, or 403 for a reader who may not edit) leaves no row at all.
    """
    plan = _plan_or_404(request, pk)
    if not plan_access.can_edit_plan(request.user, plan):
        raise PermissionDenied(
            _("Only the client's tandem and the team's supervisor edit the plan.")
        )
    if audited:
        _audit_plan_read(request, plan, action="careplan.form_view", form=form)
    return plan


def _conflict(
    request: HttpRequest,
    form,
    exc: services.CarePlanConflict,
    *,
    base_version: int,
    title: str,
    mine: dict[str, Any] | None = None,
) -> HttpResponse:
    """Show what the other person saved next to the user's unsaved input, ready to merge."""
    current = exc.current
    versions = {
        h.version: h
        for h in current.history.filter(version__in=[base_version, current.version])
        .select_related("history_user")
        .order_by("history_date")
    }
    theirs = versions.get(current.version)
    rows = []
    if base_version in versions and theirs is not None:
        rows = diff.versions_diff(versions[base_version], theirs)
    mine_rows = []
    if mine is not None and theirs is not None:
        unsaved = SimpleNamespace(
            **{f: getattr(theirs, f) for f in services.PLAN_FIELDS},
            snapshot=theirs.snapshot,
        )
        for field, value in mine.items():
            setattr(unsaved, field, value)
        mine_rows = diff.versions_diff(theirs, unsaved)
    data = request.POST.copy()
    data["version"] = str(current.version)
    form.data = data
    form.is_bound = True
    form._errors = None
    audit.record(
        action="careplan.conflict",
        target=current,
        client=current.client,
        origin=Origin.from_request(request),
        detail={"read": base_version, "current": current.version},
    )
    return render(
        request,
        "careplans/careplan_conflict.html",
        {
            "plan": current,
            "client": current.client,
            "form": form,
            "rows": rows,
            "mine_rows": mine_rows,
            "theirs": theirs,
            "base_version": base_version,
            "title": title,
        },
        status=409,
    )


@login_required
@require_safe
def client_summary(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A small card for the client page: plan status, next review, link."""
    client = access.client_for_reading(request, client_pk, action="careplan.summary")
    plan = selectors.client_plan(user=request.user, client=client, reading=True)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "client": client,
        "plan": plan,
        "today": today,
        "emergency_access": client.emergency_access,
    }
    if plan is not None:
        plan.episode.client = client
        context["next"] = selectors.plan_next_review(plan, today)
        context["state"] = services.version_state(plan, plan.signoffs.all(), plan.responses.all())
    else:
        episode = client.episodes.filter(ended_on__isnull=True).order_by("-started_on").first()
        context["episode"] = episode
        if episode:
            context["next"] = next_review(
                started_on=episode.started_on, first_agreed=False, reviewed_months=(), today=today
            )
    return render(request, "careplans/_client_summary.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def client_plan(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Open the plan of the client's current episode, or start it."""
    client = access.client_or_404(request, client_pk)
    plan = selectors.client_plan(user=request.user, client=client)
    episode = client.episodes.filter(ended_on__isnull=True).order_by("-started_on").first()
    can_edit = plan_access.can_start_plan(request.user, client)
    if plan is None and request.method == "POST" and (episode is None or not can_edit):
        raise PermissionDenied
    access.audit_read(request, client, action="careplan.open")
    if plan is not None:
        return redirect(plan)
    if request.method == "POST":
        try:
            plan = services.careplan_create(
                episode=episode, author=request.user, origin=Origin.from_request(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("careplans:client-plan", client_pk=client.pk)
        messages.success(request, _("Plan started. Write it down with the client."))
        return redirect("careplans:careplan-update", plan_pk=plan.pk)
    return render(
        request,
        "careplans/careplan_start.html",
        {"client": client, "episode": episode, "can_edit": can_edit},
    )


@login_required
@require_safe
def careplan_detail(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """The plan: the client's words, goals, advance statement, sign-off, reviews, history."""
    # Read-only: an emergency grant opens this page (the crisis plan), never a form.
    plan = _plan_for_request(request, plan_pk, action="careplan.view", full=True, reading=True)
    client = plan.client
    today = timezone.localdate()
    signoffs = list(plan.signoffs.all())
    responses = list(plan.responses.all())
    state = services.version_state(plan, signoffs, responses)
    tandem = client.tandem
    members = [m for m in (tandem.professional, tandem.peer)] if tandem else []
    history = list(plan.history.select_related("history_user").order_by("-history_date"))
    support_people = list(client.support_people.all())
    reviews = list(plan.reviews.all())
    held = {r.month: r for r in reviews}
    agreements = list(plan.agreements.all())
    nxt = selectors.plan_next_review(plan, today)
    schedule = []
    for month, due in review_dates(plan.episode.started_on, max(today, nxt.due_on)):
        done = bool(agreements) if month == 0 else month in held
        schedule.append(
            {
                "month": month,
                "due_on": due,
                "done": done,
                "review": held.get(month),
                "is_next": month == nxt.month,
            }
        )
    statement = getattr(plan, "advance_statement", None)
    domains = [
        (label, (plan.domains or {}).get(key))
        for key, label in LifeDomain.choices
        if (plan.domains or {}).get(key)
    ]
    context = {
        "plan": plan,
        "client": client,
        "can_edit": plan_access.can_edit_plan(request.user, plan),
        "can_sign": plan_access.can_sign_plan(request.user, plan),
        "state": state,
        "members": [(m, m.pk in state["signed"]) for m in members],
        "user_signed": request.user.pk in state["signed"],
        "goals": list(plan.goals.all()),
        "statement": statement,
        "legal": safeguarding_selectors.legal_capacity(user=request.user, client=client),
        "do_not_contact": [p for p in support_people if p.do_not_contact],
        "history": history,
        "schedule": schedule,
        "next": nxt,
        "agreements": agreements,
        "responses": responses,
        "comments": list(plan.comments.all()),
        "domains": domains,
        "contributors": [Contributor(c).label for c in plan.contributors or []],
        "today": today,
        "emergency_access": plan.emergency_access,
    }
    return render(request, "careplans/careplan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def careplan_update(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Edit the plan's text; a save is a new version, a stale save is a conflict."""
    plan = _editable_plan(request, plan_pk, form="careplan")
    if request.method == "POST":
        form = forms.PlanForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.careplan_update(
                        careplan=plan,
                        author=request.user,
                        expected_version=form.cleaned_data["version"],
                        origin=Origin.from_request(request),
                        **form.plan_data(),
                    )
            except services.CarePlanConflict as exc:
                return _conflict(
                    request,
                    form,
                    exc,
                    base_version=form.cleaned_data["version"],
                    title=_("Edit the plan"),
                    mine=form.plan_data(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Plan saved as a new version."))
                return redirect(plan)
    else:
        form = forms.PlanForm(initial=forms.PlanForm.initial_for(plan))
    return render(
        request, "careplans/careplan_form.html", {"plan": plan, "client": plan.client, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def advance_update(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Write the advance statement / crisis plan."""
    plan = _editable_plan(request, plan_pk, form="advancestatement")
    client = plan.client
    statement = getattr(plan, "advance_statement", None)
    if request.method == "POST":
        form = forms.AdvanceForm(request.POST, client=client, instance=statement)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.advance_statement_save(
                        careplan=plan,
                        author=request.user,
                        expected_version=form.cleaned_data["version"],
                        crisis_contacts=form.cleaned_data["crisis_contacts"],
                        origin=Origin.from_request(request),
                        **form.advance_data(),
                    )
            except services.CarePlanConflict as exc:
                return _conflict(
                    request,
                    form,
                    exc,
                    base_version=form.cleaned_data["version"],
                    title=_("Advance statement"),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Advance statement saved."))
                return redirect(plan)
    else:
        form = forms.AdvanceForm(
            client=client, instance=statement, initial={"version": plan.version}
        )
    dnc = client.support_people.filter(involvement=SupportPerson.Involvement.DO_NOT_CONTACT)
    return render(
        request,
        "careplans/advance_form.html",
        {
            "plan": plan,
            "client": client,
            "form": form,
            "do_not_contact": list(dnc),
            "legal": safeguarding_selectors.legal_capacity(user=request.user, client=client),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("goal_pk")
def goal_edit(request: HttpRequest, plan_pk: int, goal_pk: int | None = None) -> HttpResponse:
    """Add a goal in the client's words, or change one."""
    plan = _editable_plan(request, plan_pk, form="goal", audited=False)
    goal = get_object_or_404(Goal, pk=goal_pk, careplan=plan) if goal_pk else None
    _audit_plan_read(request, plan, action="careplan.form_view", form="goal")
    if request.method == "POST":
        form = forms.GoalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.goal_save(
                        careplan=plan,
                        author=request.user,
                        expected_version=data["version"],
                        goal=goal,
                        domain=data["domain"],
                        in_their_words=data["in_their_words"],
                        status=data["status"],
                        origin=Origin.from_request(request),
                    )
            except services.CarePlanConflict as exc:
                return _conflict(request, form, exc, base_version=data["version"], title=_("Goal"))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Goal saved."))
                return redirect(plan)
    else:
        initial = {"version": plan.version}
        if goal:
            initial |= {
                "domain": goal.domain,
                "in_their_words": goal.in_their_words,
                "status": goal.status,
            }
        form = forms.GoalForm(initial=initial)
    return render(
        request,
        "careplans/goal_form.html",
        {"plan": plan, "client": plan.client, "form": form, "goal": goal},
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def action_create(request: HttpRequest, plan_pk: int, goal_pk: int) -> HttpResponse:
    """Add who does what by when to a goal."""
    plan = _editable_plan(request, plan_pk, form="action", audited=False)
    goal = get_object_or_404(Goal, pk=goal_pk, careplan=plan)
    _audit_plan_read(request, plan, action="careplan.form_view", form="action")
    client = plan.client
    kwargs = {"client": client, "episode_start": plan.episode.started_on}
    if request.method == "POST":
        form = forms.ActionForm(request.POST, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                with transaction.atomic():
                    goal.careplan = plan
                    services.action_add(
                        goal=goal,
                        author=request.user,
                        expected_version=version,
                        origin=Origin.from_request(request),
                        **data,
                    )
            except services.CarePlanConflict as exc:
                return _conflict(request, form, exc, base_version=version, title=_("Action"))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Action added."))
                return redirect(plan)
    else:
        form = forms.ActionForm(initial={"version": plan.version}, **kwargs)
    return render(
        request,
        "careplans/action_form.html",
        {"plan": plan, "client": client, "form": form, "goal": goal},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    """Change who does what by when, or the day it was done."""
    plan = _editable_plan(request, plan_pk, form="action", audited=False)
    action = get_object_or_404(Action.objects.select_related("goal"), pk=pk, goal__careplan=plan)
    _audit_plan_read(request, plan, action="careplan.form_view", form="action")
    client = plan.client
    kwargs = {"client": client, "episode_start": plan.episode.started_on}
    if request.method == "POST":
        form = forms.ActionForm(request.POST, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                action.goal.careplan = plan
                services.action_update(
                    action=action,
                    author=request.user,
                    expected_version=version,
                    origin=Origin.from_request(request),
                    **data,
                )
            except services.CarePlanConflict as exc:
                return _conflict(request, form, exc, base_version=version, title=_("Action"))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Action saved."))
                return redirect(plan)
    else:
        initial = {
            "version": plan.version,
            **{
                f: getattr(action, f)
                for f in ("what", "who", "staff", "support_person", "agency", "due_on", "done_on")
            },
        }
        form = forms.ActionForm(initial=initial, **kwargs)
    return render(
        request,
        "careplans/action_form.html",
        {"plan": plan, "client": client, "form": form, "goal": action.goal, "action": action},
    )


@login_required
@require_POST
def action_done(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    """Mark an action done (today unless another day is given): one tap on the phone."""
    plan = _editable_plan(request, plan_pk, form="action", audited=False)
    action = get_object_or_404(Action, pk=pk, goal__careplan=plan)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect(plan)
    try:
        services.action_mark_done(
            action=action,
            author=request.user,
            done_on=form.cleaned_data["done_on"],
            origin=Origin.from_request(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked done: %(what)s") % {"what": action.what[:80]})
    return redirect(plan)


@login_required
@require_POST
def careplan_sign(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """A tandem member signs off the version they read."""
    plan = _plan_for_request(request, plan_pk, action="careplan.sign.request")
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was signed."))
        return redirect(plan)
    try:
        services.careplan_sign(
            careplan=plan,
            user=request.user,
            plan_version=form.cleaned_data["version"],
            origin=Origin.from_request(request),
        )
    except services.CarePlanConflict as exc:
        messages.error(
            request,
            _(
                "The plan was changed (now version %(v)d) since you read it. "
                "Read it again before you sign."
            )
            % {"v": exc.current.version},
        )
    else:
        messages.success(request, _("You signed off version %(v)d.") % {"v": plan.version})
    return redirect(plan)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def response_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Record whether the client agrees with this version, in their words."""
    plan = _editable_plan(request, plan_pk, form="careplan.respond")
    if request.method == "POST":
        form = forms.ResponseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.careplan_respond(
                        careplan=plan,
                        author=request.user,
                        plan_version=data["version"],
                        answer=data["answer"],
                        in_their_words=data["in_their_words"],
                        responded_on=data["responded_on"],
                        origin=Origin.from_request(request),
                    )
            except services.CarePlanConflict as exc:
                form.add_error(
                    None,
                    _("The plan was changed (now version %(v)d). Read it again with the client.")
                    % {"v": exc.current.version},
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The client's answer is recorded."))
                return redirect(plan)
    else:
        form = forms.ResponseForm(initial={"version": plan.version})
    return render(
        request, "careplans/response_form.html", {"plan": plan, "client": plan.client, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def comment_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Write down a comment of the client about one version of their plan."""
    plan = _editable_plan(request, plan_pk, form="plancomment")
    versions = list(plan.history.order_by("-version").values_list("version", flat=True).distinct())
    form = forms.CommentForm(request.POST or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_add(
                careplan=plan,
                author=request.user,
                origin=Origin.from_request(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Comment kept with version %(v)d.") % {"v": form.cleaned_data["plan_version"]},
            )
            return redirect(plan)
    return render(
        request, "careplans/comment_form.html", {"plan": plan, "client": plan.client, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def review_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Hold the next review: what changed and progress on each goal."""
    plan = _editable_plan(request, plan_pk, form="planreview")
    goals = list(plan.goals.all())
    today = timezone.localdate()
    nxt = selectors.plan_next_review(plan, today)
    if request.method == "POST":
        form = forms.ReviewForm(request.POST, goals=goals)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    review = services.review_record(
                        careplan=plan,
                        author=request.user,
                        expected_version=data["version"],
                        held_on=data["held_on"],
                        what_changed=data["what_changed"],
                        goal_progress=data["goal_progress"],
                        goal_statuses=form.goal_statuses(),
                        origin=Origin.from_request(request),
                    )
            except services.CarePlanConflict as exc:
                return _conflict(
                    request, form, exc, base_version=data["version"], title=_("Review")
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if review.plan_version == data["version"]:
                    text = _("Review recorded. The plan did not change, so its signatures stand.")
                else:
                    text = _(
                        "Review recorded. Sign off the plan and ask the client whether they agree."
                    )
                messages.success(request, text)
                return redirect(plan)
    else:
        form = forms.ReviewForm(initial={"version": plan.version}, goals=goals)
    return render(
        request,
        "careplans/review_form.html",
        {"plan": plan, "client": plan.client, "form": form, "next": nxt},
    )


@login_required
def careplan_history(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Every version, and the side-by-side difference between any two."""
    plan = _plan_or_404(request, plan_pk)
    history = list(plan.history.select_related("history_user").order_by("-history_date"))
    by_version = {}
    for h in history:
        by_version.setdefault(h.version, h)  # the latest row of each version number
    versions = sorted(by_version)
    try:
        b = int(request.GET.get("b", versions[-1]))
        a = int(request.GET.get("a", versions[-2] if len(versions) > 1 else versions[-1]))
    except (TypeError, ValueError):
        a = b = versions[-1]
    if a not in by_version or b not in by_version:
        raise Http404
    _audit_plan_read(request, plan, action="careplan.history")
    comments = list(plan.comments.filter(plan_version__in=[a, b]))
    return render(
        request,
        "careplans/careplan_history.html",
        {
            "plan": plan,
            "client": plan.client,
            "history": history,
            "versions": versions,
            "a": by_version[a],
            "b": by_version[b],
            "rows": diff.versions_diff(by_version[a], by_version[b]),
            "comments": comments,
        },
    )


def _easyread_context(plan: CarePlan) -> dict[str, Any]:
    client = plan.client
    goals = list(
        plan.goals.exclude(status=Goal.Status.DROPPED).prefetch_related(
            "actions__staff", "actions__support_person"
        )
    )
    statement = getattr(plan, "advance_statement", None)
    contacts = list(statement.crisis_contacts.all()) if statement else []
    return {
        "plan": plan,
        "client": client,
        "goals": goals,
        "statement": statement,
        "contacts": contacts,
        "today": timezone.localdate(),
        "comments": list(plan.comments.filter(plan_version=plan.version)),
    }


@login_required
def easyread(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """The client's own copy of their plan: plain words, large type, their language."""
    plan = _plan_for_request(request, plan_pk, action="careplan.easyread")
    with translation.override(plan.client.preferred_language):
        return render(request, "careplans/careplan_easyread.html", _easyread_context(plan))


@login_required
def easyread_pdf(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """The easy-read copy as a PDF to print or hand over."""
    plan = _plan_for_request(request, plan_pk, action="careplan.easyread.pdf")
    with translation.override(plan.client.preferred_language):
        context = _easyread_context(plan) | {"pdf": True}
        pdf = render_pdf("careplans/careplan_easyread_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.client.code}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def crisis_sheet(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Share the one-page crisis sheet with someone the client consented to; record it."""
    plan = _plan_or_404(request, plan_pk)
    if not plan_access.can_share_crisis_sheet(request.user, plan):
        raise Http404
    _audit_plan_read(request, plan, action="crisissheet.view")
    client = plan.client
    form = forms.ShareForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            _share, pdf = services.crisis_sheet_share(
                careplan=plan,
                author=request.user,
                consent=form.cleaned_data["consent"],
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="crisis-sheet-{client.code}.pdf"'
            )
            return response
    shares = list(plan.shares.select_related("consent", "shared_by"))
    return render(
        request,
        "careplans/crisis_sheet_form.html",
        {
            "plan": plan,
            "client": client,
            "form": form,
            "shares": shares,
            "has_consents": bool(form.fields["consent"].queryset),
        },
    )


@login_required
def reviews_overdue(request: HttpRequest) -> HttpResponse:
    """Reviews due and overdue: my tandem's clients, or the whole team for a supervisor.

    `?status=overdue` keeps only overdue ones; an htmx request gets just the table, for the
    caseload and team pages to load with `hx-get`.
    """
    if not plan_access.sees_due_lists(request.user):
        raise Http404
    has_own = plan_access.due_lists_start_with_own_clients(request.user)
    mine = has_own and request.GET.get("scope") != "team"
    statuses = ("overdue",) if request.GET.get("status") == "overdue" else ("due", "overdue")
    rows = selectors.reviews_due(
        user=request.user, today=timezone.localdate(), mine=mine, statuses=statuses
    )
    audit.record_many(
        action="careplan.reviews_due",
        client_ids=[row.client.pk for row in rows],
        origin=Origin.from_request(request),
        detail={"mine": mine},
    )
    template = "careplans/_reviews_table.html" if request.htmx else "careplans/reviews_due.html"
    return render(request, template, {"rows": rows, "mine": mine, "has_own": has_own})
