"""Pages of planned visits: the week's plan, plan a visit, change or cancel it, log its contact,
mark it missed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from outreach import access, audit
from outreach.forms import ContactForm, apply_validation_error
from outreach.models import Contact
from outreach.origin import Origin
from outreach.staff import team_staff
from outreach.submissions import idempotent_create
from outreach.views import contact_form_initial
from outreach.visits import selectors, services
from outreach.visits.forms import VisitCancelForm, VisitEditForm, VisitMissedForm, VisitPlanForm


def _week_of(request: HttpRequest) -> date:
    raw = request.GET.get("week", "")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return selectors.week_start(day)


@login_required
@require_safe
def visit_week(request: HttpRequest) -> HttpResponse:
    """The week's plan of visits, day by day: what is planned, done and missed."""
    if not access.plans_visits(request.user):
        raise Http404
    start = _week_of(request)
    mine = (
        request.GET.get("scope", "" if access.works_in_tandem(request.user) else "team") != "team"
    )
    days = selectors.visit_week(user=request.user, start=start, mine=mine)
    audit.record_many(
        action="plannedvisit.list",
        client_ids={v.client_id for d in days for v in d.visits},
        origin=Origin.from_request(request),
        detail={"week": start.isoformat(), "scope": "mine" if mine else "team"},
    )
    context = {
        "days": days,
        "start": start,
        "end": start + timedelta(days=6),
        "previous": start - timedelta(days=7),
        "next": start + timedelta(days=7),
        "today": timezone.localdate(),
        "mine": mine,
        # Cancelled visits stay on their day, struck through, but are not counted.
        "count": sum(1 for d in days for v in d.visits if v.status != v.Status.CANCELLED),
    }
    return render(request, "outreach/visits/visit_week.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def visit_create(request: HttpRequest) -> HttpResponse:
    """Plan a visit for the week: the client, the day, the time if known, who goes and why."""
    if not access.plans_visits(request.user):
        raise Http404
    clients = selectors.plan_clients(request.user)
    initial: dict = {"planned_on": timezone.localdate()}
    client_pk = request.GET.get("client", "")
    if client_pk.isdigit():
        picked = clients.select_related("tandem").filter(pk=int(client_pk)).first()
        if picked is None:
            raise Http404
        initial["client"] = picked.pk
        initial["staff"] = (
            sorted(picked.tandem.member_ids()) if picked.tandem_id else [request.user.pk]
        )
        access.audit_read(request, picked, action="client.view")
    else:
        initial["staff"] = [request.user.pk]
    form = VisitPlanForm(
        request.POST or None,
        initial=initial,
        client_queryset=clients,
        staff_queryset=selectors.plan_staff(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_plan(
                client=data["client"],
                actor=request.user,
                planned_on=data["planned_on"],
                planned_time=data["planned_time"],
                staff=data["staff"],
                purpose=data["purpose"],
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Visit planned: %(name)s, %(day)s")
                % {
                    "name": visit.client.full_name,
                    "day": formats.date_format(visit.planned_on, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect(
                reverse("outreach:visit-week") + f"?week={visit.planned_on.isoformat()}"
            )
    return render(
        request,
        "outreach/visits/visit_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _open_visit_or_back(request: HttpRequest, pk: int):
    """The visit if the user may close it; otherwise None after a message (done or missed)."""
    visit = selectors.visit_for_request(request.user, pk)
    if not access.can_write_record(request.user, visit.client):
        raise Http404
    access.audit_read(request, visit, action="plannedvisit.view", client=visit.client)
    if not access.can_close_visit(request.user, visit):
        messages.info(request, services.closed_message(visit))
        return visit, False
    return visit, True


def _visit_started_at(visit) -> datetime:
    """When the visit was planned, if that is past; otherwise now (a contact is never ahead)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    if visit.planned_time is None:
        return now
    planned = timezone.make_aware(datetime.combine(visit.planned_on, visit.planned_time))
    return planned if planned <= now else now


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def visit_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a planned visit into a logged contact: the form filled from the visit."""
    visit, open_ = _open_visit_or_back(request, pk)
    client = visit.client
    if not open_:
        return redirect(client)
    initial = contact_form_initial(request, client)
    initial.update(
        started_at=_visit_started_at(visit),
        staff=[u.pk for u in visit.staff.all()],
        mode=Contact.Mode.FACE_TO_FACE,
        note=visit.purpose,
    )
    form = ContactForm(
        request.POST or None, staff_queryset=team_staff(client.team_id), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.visit_log_contact(
                visit=visit, author=request.user, origin=Origin.from_request(request), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Contact saved; the visit is done."))
            return redirect(client)
    return render(
        request,
        "outreach/contact_form.html",
        {"client": client, "form": form, "visit": visit},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def visit_missed(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a planned visit missed, with the reason."""
    visit, open_ = _open_visit_or_back(request, pk)
    if not open_:
        return redirect(reverse("outreach:visit-week") + f"?week={visit.planned_on.isoformat()}")
    form = VisitMissedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_mark_missed(
                visit=visit,
                actor=request.user,
                reason=form.cleaned_data["missed_reason"],
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Visit marked missed."))
            return redirect(
                reverse("outreach:visit-week") + f"?week={visit.planned_on.isoformat()}"
            )
    return render(
        request,
        "outreach/visits/visit_missed.html",
        {"visit": visit, "client": visit.client, "form": form},
        status=400 if form.errors else 200,
    )


def _week_url(day: date) -> str:
    return reverse("outreach:visit-week") + f"?week={day.isoformat()}"


def _back_to(request: HttpRequest, default: str) -> str:
    """Where the person came from (`next`, a path of this site), or else `default`."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a visit still planned: the day, the time, who goes, what for."""
    visit, open_ = _open_visit_or_back(request, pk)
    if not open_:
        return redirect(_back_to(request, _week_url(visit.planned_on)))
    form = VisitEditForm(
        request.POST if request.method == "POST" else None,
        initial={
            "planned_on": visit.planned_on,
            "planned_time": visit.planned_time,
            "staff": [u.pk for u in visit.staff.all()],
            "purpose": visit.purpose,
        },
        staff_queryset=team_staff(visit.client.team_id).order_by("last_name", "first_name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_edit(
                visit=visit,
                actor=request.user,
                planned_on=data["planned_on"],
                planned_time=data["planned_time"],
                staff=data["staff"],
                purpose=data["purpose"],
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Visit changed: %(name)s, %(day)s")
                % {
                    "name": visit.client.full_name,
                    "day": formats.date_format(visit.planned_on, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect(_back_to(request, _week_url(visit.planned_on)))
    return render(
        request,
        "outreach/visits/visit_edit.html",
        {
            "form": form,
            "visit": visit,
            "client": visit.client,
            "next": _back_to(request, ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a visit still planned, with a reason if the worker gives one."""
    visit, open_ = _open_visit_or_back(request, pk)
    if not open_:
        return redirect(_back_to(request, _week_url(visit.planned_on)))
    # An empty reason is a whole answer: the form is bound on every POST.
    form = VisitCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_cancel(
                visit=visit,
                actor=request.user,
                reason=form.cleaned_data["cancel_reason"],
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Visit cancelled: %(name)s, %(day)s")
                % {
                    "name": visit.client.full_name,
                    "day": formats.date_format(visit.planned_on, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect(_back_to(request, _week_url(visit.planned_on)))
    return render(
        request,
        "outreach/visits/visit_cancel.html",
        {"visit": visit, "client": visit.client, "form": form, "next": _back_to(request, "")},
        status=400 if form.errors else 200,
    )
