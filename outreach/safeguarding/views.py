"""Pages of risk, supported decisions, guardianship, complaints and staff training.

Parse, check access (404 for anyone outside the team), call a selector or a service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from outreach import access
from outreach.formpages import client_record_form
from outreach.forms import apply_validation_error
from outreach.models import (
    Complaint,
    RiskAssessment,
    SupervisionSession,
    SupportedDecision,
    Team,
    Training,
)
from outreach.origin import Origin
from outreach.safeguarding import selectors, services
from outreach.safeguarding.forms import (
    ComplaintForm,
    GuardianshipForm,
    RiskAssessmentForm,
    SupervisionSessionForm,
    SupportedDecisionForm,
    TrainingForm,
    risk_domain_forms,
)
from outreach.submissions import idempotent_create


@login_required
@require_safe
def risk_detail(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The client's risk assessment and plan: the current version, when it is due, the history."""
    client = access.client_for_reading(request, client_pk, action="riskassessment.view")
    versions = selectors.risk_assessments(user=request.user, client=client)
    context = {
        "client": client,
        "current": versions[0] if versions else None,
        "history": versions[1:],
        "next_review": selectors.client_risk_review(user=request.user, client=client),
        "emergency_access": client.emergency_access,
    }
    return render(request, "outreach/safeguarding/risk_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def risk_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Review the risk assessment with the client: a new version, starting from the current one."""
    client = access.client_or_404(request, client_pk)
    current = (
        RiskAssessment.objects.filter(client=client)
        .prefetch_related("domains")
        .order_by("-version")
        .first()
    )
    access.audit_read(request, client, action="client.view")
    initial = {"assessed_on": timezone.localdate(), "written_with_client": True}
    if current is not None:
        initial.update(summary=current.summary, client_comment=current.client_comment)
    form = RiskAssessmentForm(request.POST or None, client=client, initial=initial)
    domain_forms = risk_domain_forms(request.POST or None, current)
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for _label, f in domain_forms)
    ):
        try:
            with transaction.atomic():
                services.risk_assessment_record(
                    client=client,
                    actor=request.user,
                    assessment=form.save(commit=False),
                    domains={f.prefix: f.cleaned_data for _label, f in domain_forms},
                    origin=Origin.from_request(request),
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Risk assessment saved."))
            return redirect(reverse("outreach:risk-detail", args=[client.pk]))
    invalid = form.errors or any(f.errors for _label, f in domain_forms)
    return render(
        request,
        "outreach/safeguarding/risk_form.html",
        {"client": client, "form": form, "domain_forms": domain_forms, "current": current},
        status=400 if invalid else 200,
    )


# --- Supported decisions and guardianship ----------------------------------------------------


@login_required
@require_safe
def decisions_detail(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Legal capacity: the guardianship status over time and the log of supported decisions."""
    client = access.client_for_reading(request, client_pk, action="supporteddecision.list_view")
    history = selectors.guardianship_history(user=request.user, client=client)
    context = {
        "client": client,
        "guardianship": selectors.current_guardianship(history),
        "history": history,
        "decisions": selectors.supported_decisions(user=request.user, client=client),
        "emergency_access": client.emergency_access,
    }
    return render(request, "outreach/safeguarding/decisions_detail.html", context)


def _client_form(request: HttpRequest, client_pk: int, **kwargs) -> HttpResponse:
    return client_record_form(
        request, client_pk, template="outreach/safeguarding/form.html", **kwargs
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("pk")
def supported_decision_edit(
    request: HttpRequest, client_pk: int, pk: int | None = None
) -> HttpResponse:
    """Log a decision the client made with support, or say later whether it was followed."""
    return _client_form(
        request,
        client_pk,
        pk=pk,
        model=SupportedDecision,
        form_class=SupportedDecisionForm,
        save=services.supported_decision_save,
        param="decision",
        title=gettext_lazy("Supported decision"),
        saved=_("Supported decision saved."),
        back="outreach:decisions-detail",
        initial={"decided_on": timezone.localdate(), "staff_supporter": request.user.pk},
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def guardianship_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Record the client's guardianship status from a day on (none, partial, full)."""
    return _client_form(
        request,
        client_pk,
        form_class=GuardianshipForm,
        save=services.guardianship_record,
        param="status",
        title=gettext_lazy("Guardianship status"),
        saved=_("Guardianship status saved."),
        back="outreach:decisions-detail",
    )


# --- Complaints ------------------------------------------------------------------------------


@login_required
@require_safe
def complaint_list(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The client's complaints: open ones first, with their response and outcome."""
    # The team's own matter: an emergency grant does not open it.
    client = access.client_for_request(request, client_pk, action="complaint.list_view")
    context = {
        "client": client,
        "complaints": selectors.client_complaints(user=request.user, client=client),
    }
    return render(request, "outreach/safeguarding/complaint_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("pk")
def complaint_edit(request: HttpRequest, client_pk: int, pk: int | None = None) -> HttpResponse:
    """Record a complaint, its response, and (the team's supervisor) its outcome and closing."""
    client = access.client_or_404(request, client_pk)
    return _client_form(
        request,
        client_pk,
        pk=pk,
        model=Complaint,
        form_class=ComplaintForm,
        form_kwargs={"can_close": access.can_close_complaint(request.user, client)},
        save=services.complaint_save,
        param="complaint",
        title=gettext_lazy("Complaint"),
        saved=_("Complaint saved."),
        back="outreach:complaint-list",
        initial={"received_on": timezone.localdate()},
    )


# --- Staff training and supervision ------------------------------------------------------------


def _team_or_404(request: HttpRequest, team_pk: int) -> Team:
    team = selectors.training_team(user=request.user, team_pk=team_pk)
    if team is None:
        raise Http404
    return team


@login_required
@require_safe
def team_training(request: HttpRequest, team_pk: int) -> HttpResponse:
    """The team's trainings and supervision sessions, and its share of staff trained in
    rights-based approaches in the last two years."""
    team = _team_or_404(request, team_pk)
    context = {
        "team": team,
        "trainings": selectors.team_trainings(user=request.user, team=team),
        "sessions": selectors.team_supervision_sessions(user=request.user, team=team),
        "share": selectors.rights_trained_share(team=team),
        "can_record": access.can_record_team_training(request.user, team),
    }
    return render(request, "outreach/safeguarding/team_training.html", context)


def _team_form(request, team_pk, *, form_class, model, save, param, title, saved, pk=None):
    team = _team_or_404(request, team_pk)
    if not access.can_record_team_training(request.user, team):
        raise Http404
    instance = get_object_or_404(model.objects.filter(team=team), pk=pk) if pk else None
    initial = {"held_on": timezone.localdate(), "attendees": [request.user.pk]}
    form = form_class(
        request.POST or None, team=team, instance=instance, initial={} if instance else initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            save(
                team=team,
                actor=request.user,
                attendees=form.cleaned_data["attendees"],
                origin=Origin.from_request(request),
                **{param: form.save(commit=False)},
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect(reverse("outreach:team-training", args=[team.pk]))
    return render(
        request,
        "outreach/safeguarding/team_form.html",
        {"team": team, "form": form, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("pk")
def training_edit(request: HttpRequest, team_pk: int, pk: int | None = None) -> HttpResponse:
    """Record a training of the team's staff (kind, title, day, who attended), or correct it."""
    return _team_form(
        request,
        team_pk,
        pk=pk,
        form_class=TrainingForm,
        model=Training,
        save=services.training_save,
        param="training",
        title=gettext_lazy("Training"),
        saved=_("Training saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def supervision_session_create(request: HttpRequest, team_pk: int) -> HttpResponse:
    """Record a supervision session of the team (day, kind, supervisor, who took part)."""
    return _team_form(
        request,
        team_pk,
        form_class=SupervisionSessionForm,
        model=SupervisionSession,
        save=services.supervision_session_save,
        param="session",
        title=gettext_lazy("Supervision session"),
        saved=_("Supervision session saved."),
    )
