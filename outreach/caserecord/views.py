"""Pages of the case record's events: parse, check access, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach import access
from outreach.caserecord import selectors as event_selectors
from outreach.caserecord import services as event_services
from outreach.caserecord.forms import (
    AdverseEventForm,
    AgencyRequestForm,
    AgencyResponseForm,
    CaseAgencyForm,
    CaseConferenceForm,
    CoerciveMeasureForm,
    CrisisForm,
    DebriefForm,
    DischargeForm,
    ExitSurveyForm,
    FollowUpActionFormSet,
    FollowUpEditForm,
    GroupSessionForm,
    HospitalStayForm,
    MilestoneForm,
    RelapseForm,
    ResponsibilityForm,
)
from outreach.formpages import client_record_form, render_client_form
from outreach.forms import DoneForm, apply_validation_error, errors_text
from outreach.models import (
    AgencyRequest,
    Client,
    CoerciveMeasure,
    Crisis,
    Debrief,
    Episode,
    FollowUpAction,
    HospitalStay,
    SupportPerson,
)
from outreach.origin import Origin
from outreach.staff import team_staff
from outreach.submissions import idempotent_create


@login_required
@require_GET
def client_events(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The client's events, newest first, with the responsibility matrix and what is overdue."""
    client = access.client_for_request(request, client_pk, action="client.events_view")
    data = event_selectors.client_events(user=request.user, client=client)
    context = {"client": client, "data": data}
    template = (
        "outreach/caserecord/_client_events.html"
        if request.htmx
        else "outreach/caserecord/client_events.html"
    )
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("pk")
def hospital_stay_edit(request: HttpRequest, client_pk: int, pk: int | None = None) -> HttpResponse:
    """Record a hospital stay (or one of the 12 months before intake), or add its discharge."""
    initial = {}
    if pk is None and request.GET.get("pre_intake"):
        initial["pre_intake"] = True
    return client_record_form(
        request,
        client_pk,
        pk=pk,
        model=HospitalStay,
        form_class=HospitalStayForm,
        save=event_services.hospital_stay_save,
        param="stay",
        title=gettext_lazy("Hospital stay"),
        saved=_("Hospital stay saved."),
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def coercive_measure_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Record a coercive measure; its debrief becomes due within 14 days."""
    return client_record_form(
        request,
        client_pk,
        model=CoerciveMeasure,
        form_class=CoerciveMeasureForm,
        save=event_services.coercive_measure_record,
        param="measure",
        title=gettext_lazy("Coercive measure"),
        saved=_("Coercive measure saved. A debrief with the client is due within 14 days."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def debrief_update(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Record the debrief conversation after a coercive measure."""
    client = access.client_or_404(request, client_pk)
    measure = get_object_or_404(
        access.scoped(CoerciveMeasure.objects.filter(client=client), request.user, via="client"),
        pk=pk,
    )
    access.audit_read(request, client, action="client.view")
    measure.client = client
    debrief = Debrief.objects.filter(measure=measure).first() or Debrief(
        measure=measure, due_on=measure.debrief_due_on
    )
    initial = {
        "done_on": debrief.done_on or timezone.localdate(),
        "done_by": debrief.done_by_id or request.user.pk,
        "client_view": debrief.client_view,
        "what_should_change": debrief.what_should_change,
    }
    form = DebriefForm(request.POST or None, measure=measure, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.debrief_complete(
                measure=measure,
                actor=request.user,
                origin=Origin.from_request(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Debrief saved."))
            return redirect(client)
    return render_client_form(
        request, client, form, gettext_lazy("Debrief after a coercive measure"), debrief=debrief
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("pk")
def crisis_edit(request: HttpRequest, client_pk: int, pk: int | None = None) -> HttpResponse:
    """Record a crisis, or add its first response and outcome later."""
    return client_record_form(
        request,
        client_pk,
        pk=pk,
        model=Crisis,
        form_class=CrisisForm,
        save=event_services.crisis_save,
        param="crisis",
        title=gettext_lazy("Crisis"),
        saved=_("Crisis saved."),
        extra_kwargs=lambda form: {"mobilised_staff": form.cleaned_data["mobilised_staff"]},
    )


def _simple_create(name: str, form_class, save, param: str, title, saved):
    @login_required
    @require_http_methods(["GET", "POST"])
    @idempotent_create()
    def view(request: HttpRequest, client_pk: int) -> HttpResponse:
        return client_record_form(
            request,
            client_pk,
            model=form_class._meta.model,
            form_class=form_class,
            save=save,
            param=param,
            title=title,
            saved=saved,
        )

    view.__name__ = name
    view.__doc__ = f"Record a {param.replace('_', ' ')} of the client."
    return view


relapse_create = _simple_create(
    "relapse_create",
    RelapseForm,
    event_services.relapse_save,
    "relapse",
    gettext_lazy("Relapse"),
    gettext_lazy("Relapse saved."),
)
adverse_event_create = _simple_create(
    "adverse_event_create",
    AdverseEventForm,
    event_services.adverse_event_save,
    "event",
    gettext_lazy("Adverse event"),
    gettext_lazy("Adverse event saved."),
)
milestone_create = _simple_create(
    "milestone_create",
    MilestoneForm,
    event_services.milestone_save,
    "milestone",
    gettext_lazy("Milestone"),
    gettext_lazy("Milestone saved."),
)
case_agency_create = _simple_create(
    "case_agency_create",
    CaseAgencyForm,
    event_services.case_agency_save,
    "agency",
    gettext_lazy("Agency involved in the case"),
    gettext_lazy("Agency saved."),
)
responsibility_create = _simple_create(
    "responsibility_create",
    ResponsibilityForm,
    event_services.responsibility_save,
    "responsibility",
    gettext_lazy("Who is responsible for what"),
    gettext_lazy("Responsibility saved."),
)
agency_request_create = _simple_create(
    "agency_request_create",
    AgencyRequestForm,
    event_services.agency_request_save,
    "agency_request",
    gettext_lazy("Request to an agency"),
    gettext_lazy("Agency request saved."),
)


@login_required
@require_http_methods(["GET", "POST"])
def agency_request_respond(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Record an agency's response to a request."""
    client = access.client_or_404(request, client_pk)
    agency_request = get_object_or_404(
        access.scoped(AgencyRequest.objects.filter(client=client), request.user, via="client"),
        pk=pk,
    )
    access.audit_read(request, client, action="client.view")
    form = AgencyResponseForm(
        request.POST or None,
        instance=agency_request,
        initial={"responded_on": agency_request.responded_on or timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_services.agency_request_respond(
                agency_request=agency_request,
                actor=request.user,
                origin=Origin.from_request(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Response saved."))
            return redirect(client)
    return render_client_form(
        request,
        client,
        form,
        gettext_lazy("Response from %(agency)s") % {"agency": agency_request.agency},
        agency_request=agency_request,
    )


def _followup_for_request(request: HttpRequest, client: Client, pk: int) -> FollowUpAction:
    if not access.can_write_record(request.user, client):
        raise Http404
    return get_object_or_404(
        access.scoped(
            FollowUpAction.objects.filter(conference__client=client),
            request.user,
            via="conference__client",
        ).select_related("conference"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_update(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Change a follow-up action of a case conference, or the day it was done."""
    client = access.client_for_request(request, client_pk)
    followup = _followup_for_request(request, client, pk)
    initial = {f: getattr(followup, f) for f in ("action", "owner", "due_on", "done_on")}
    form = FollowUpEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.followup_update(
                followup=followup,
                actor=request.user,
                origin=Origin.from_request(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Follow-up action saved."))
            return redirect(client)
    return render_client_form(request, client, form, gettext_lazy("Follow-up action"))


@login_required
@require_POST
def followup_done(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Mark a follow-up action done (today unless another day is given)."""
    client = access.client_for_request(request, client_pk)
    followup = _followup_for_request(request, client, pk)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect(client)
    try:
        event_services.followup_mark_done(
            followup=followup,
            actor=request.user,
            done_on=form.cleaned_data["done_on"],
            origin=Origin.from_request(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked done: %(what)s") % {"what": followup.action[:80]})
    return redirect(client)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def case_conference_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Record a case conference with its participants, decisions and follow-up actions."""
    client = access.client_for_request(request, client_pk)
    form = CaseConferenceForm(
        request.POST or None,
        client=client,
        initial={"held_on": timezone.localdate(), "staff": [request.user.pk]},
    )
    formset = FollowUpActionFormSet(request.POST or None, prefix="actions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        actions = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("action")]
        try:
            event_services.case_conference_record(
                client=client,
                actor=request.user,
                conference=form.save(commit=False),
                staff=form.cleaned_data["staff"],
                support_people=form.cleaned_data["support_people"],
                agencies=form.cleaned_data["agencies"],
                actions=actions,
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Case conference saved."))
            return redirect(client)
    owners = [str(u.get_full_name() or u.username) for u in team_staff(client.team_id)]
    owners += [_("The client")] + [a.name for a in client.agencies.all()]
    owners += [
        p.name
        for p in client.support_people.exclude(involvement=SupportPerson.Involvement.DO_NOT_CONTACT)
    ]
    return render_client_form(
        request,
        client,
        form,
        gettext_lazy("Case conference"),
        template="outreach/caserecord/caseconference_form.html",
        formset=formset,
        extra_forms=[formset],
        owners=owners,
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def group_session_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Record a group session once; every attending client gets a contact of their own."""
    client = access.client_for_request(request, client_pk)
    attendee_qs = (
        access.visible_clients(request.user)
        .filter(team=client.team_id)
        .filter(anonymised_at__isnull=True)
        .order_by("family_name", "given_name")
    )
    form = GroupSessionForm(
        request.POST or None,
        client=client,
        attendee_queryset=attendee_qs,
        initial={
            "attendees": [client.pk],
            "staff": [request.user.pk],
            "started_at": timezone.localtime().replace(second=0, microsecond=0),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_services.group_session_record(
                team=client.team,
                actor=request.user,
                origin=Origin.from_request(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Group session saved: a contact for each of %(n)d clients.")
                % {"n": len(form.cleaned_data["attendees"])},
            )
            return redirect(client)
    return render_client_form(request, client, form, gettext_lazy("Group session"))


@login_required
@require_http_methods(["GET", "POST"])
def episode_discharge(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Close an episode: reason, handover plan and the optional anonymous exit survey."""
    client = access.client_or_404(request, client_pk)
    episode = get_object_or_404(
        access.scoped(Episode.objects.filter(client=client), request.user, via="client"), pk=pk
    )
    access.audit_read(request, client, action="client.view")
    form = DischargeForm(
        request.POST or None, episode=episode, initial={"ended_on": timezone.localdate()}
    )
    survey = ExitSurveyForm(request.POST or None)
    if episode.ended_on is not None:
        form.add_error(None, _("This episode is already closed."))
    elif request.method == "POST" and form.is_valid() and survey.is_valid():
        try:
            event_services.episode_discharge(
                episode=episode,
                actor=request.user,
                origin=Origin.from_request(request),
                survey={k: v for k, v in survey.cleaned_data.items() if v},
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Episode closed."))
            return redirect(client)
    return render_client_form(
        request,
        client,
        form,
        gettext_lazy("Close the episode"),
        template="outreach/caserecord/discharge_form.html",
        survey=survey,
        episode=episode,
        extra_forms=[survey],
    )
