"""Pages of the living situation, carers and costs: parse, check access, call a service, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from outreach import access
from outreach.formpages import render_client_form
from outreach.forms import apply_validation_error
from outreach.models import DOMAIN_STATUSES, Carer, LivingDomain, SupportPerson
from outreach.origin import Origin
from outreach.social import selectors, services
from outreach.social.forms import (
    CarerForm,
    CarerReviewForm,
    LivingStatusForm,
    PeriodForm,
    SpendingForm,
)
from outreach.submissions import idempotent_create


@login_required
@require_GET
def living_situation(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The client's living situation: intake against now, and every dated status."""
    client = access.client_for_request(request, client_pk, action="client.living_view")
    situation = selectors.living_situation(
        user=request.user,
        client=client,
        intake_on=selectors.intake_on(client.episodes.all()),
    )
    return render(
        request,
        "outreach/social/living_situation.html",
        {"client": client, "living": situation, "emergency_access": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def living_status_create(request: HttpRequest, client_pk: int, domain: str) -> HttpResponse:
    """Record a new status of one domain of the living situation (housing, income, ...)."""
    if domain not in DOMAIN_STATUSES:
        raise Http404
    client = access.client_or_404(request, client_pk)
    access.audit_read(request, client, action="client.view")
    form = LivingStatusForm(
        request.POST or None, domain=domain, initial={"since": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.living_status_record(
                client=client,
                actor=request.user,
                domain=domain,
                origin=Origin.from_request(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Living situation saved."))
            return redirect(client)
    return render_client_form(
        request, client, form, _("%(domain)s: new status") % {"domain": LivingDomain(domain).label}
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("pk")
def carer_edit(request: HttpRequest, client_pk: int, pk: int | None = None) -> HttpResponse:
    """Record a person of the support network as a carer, or change their involvement."""
    client = access.client_or_404(request, client_pk)
    carer = None
    if pk is not None:
        carer = get_object_or_404(
            access.scoped(Carer.objects.filter(client=client), request.user, via="client"), pk=pk
        )
    access.audit_read(request, client, action="client.view")
    form = CarerForm(request.POST or None, client=client, instance=carer)
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_save(
                client=client,
                actor=request.user,
                carer=form.save(commit=False),
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Carer saved."))
            return redirect(client)
    return render_client_form(request, client, form, _("Carer"))


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def carer_review_create(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Record a review of a carer's own needs; the next falls due a year later."""
    client = access.client_or_404(request, client_pk)
    carer = get_object_or_404(
        access.scoped(Carer.objects.filter(client=client), request.user, via="client")
        .exclude(support_person__involvement=SupportPerson.Involvement.DO_NOT_CONTACT)
        .select_related("support_person"),
        pk=pk,
    )
    access.audit_read(request, client, action="client.view")
    carer.client = client
    form = CarerReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_review_record(
                carer=carer,
                actor=request.user,
                origin=Origin.from_request(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Carer's needs review saved."))
            return redirect(client)
    return render_client_form(
        request,
        client,
        form,
        _("Carer's needs review: %(name)s") % {"name": carer.support_person.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def spending_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Record money spent for the client (ID fees, transport, food, a housing deposit, ...)."""
    client = access.client_or_404(request, client_pk)
    access.audit_read(request, client, action="client.view")
    form = SpendingForm(request.POST or None, initial={"spent_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.spending_record(
                client=client,
                actor=request.user,
                spending=form.save(commit=False),
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Spending saved."))
            return redirect(client)
    return render_client_form(request, client, form, _("Money spent for the client"))


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@login_required
@require_GET
def team_costs(request: HttpRequest) -> HttpResponse:
    """Travel time and spending per client served, per team the user supervises (internal)."""
    if not access.sees_team_costs(request.user):
        raise Http404
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": _quarter_start(today), "end": today})
    teams = list(access.team_costs_teams(request.user).order_by("name"))
    rows = []
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rows = [selectors.team_costs(team=t, start=start, end=end) for t in teams]
    return render(
        request,
        "outreach/social/team_costs.html",
        {"form": form, "rows": rows},
        status=200 if form.is_valid() else 400,
    )
