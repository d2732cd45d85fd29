"""Pages of municipal reports, team figures with fidelity, drill-downs and the public summary."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach import audit
from outreach.models import Team
from outreach.ops.router import reads_from_replica
from outreach.origin import Origin
from outreach.submissions import idempotent_create

from . import access, drilldown, fidelity, pdf, reports, services, suppression
from . import formatting as fmt
from .forms import ReportCreateForm, ReportNarrativeForm
from .models import Report, ReportDocument
from .periods import Period, Scope


def _report_or_404(request: HttpRequest, pk: int) -> Report:
    return get_object_or_404(
        reports.with_snapshots(
            reports.report_list(user=request.user).select_related("published_by")
        ),
        pk=pk,
    )


def _writable_report_or_404(request: HttpRequest, pk: int) -> Report:
    if not access.can_write_reports(request.user):
        raise Http404
    return _report_or_404(request, pk)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_GET
@reads_from_replica
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports of the user's municipalities, newest first, and a form to start one."""
    municipalities = reports.visible_municipalities(request.user)
    if not municipalities.exists():
        raise Http404
    form = None
    if access.can_write_reports(request.user):
        form = ReportCreateForm(municipalities=municipalities)
    return render(
        request,
        "indicators/reports/report_list.html",
        {
            "reports": reports.report_list(user=request.user).select_related("published_by"),
            "form": form,
        },
    )


@login_required
@require_POST
@idempotent_create()
def report_create(request: HttpRequest) -> HttpResponse:
    """Create (or refresh) the draft report of a municipality and a past month or quarter."""
    if not access.can_write_reports(request.user):
        raise Http404
    municipalities = reports.visible_municipalities(request.user)
    form = ReportCreateForm(request.POST, municipalities=municipalities)
    if not form.is_valid():
        return render(
            request,
            "indicators/reports/report_list.html",
            {"reports": reports.report_list(user=request.user), "form": form},
            status=400,
        )
    report = reports.report_draft(
        municipality=form.cleaned_data["municipality"],
        period=form.cleaned_data["period"],
        actor=request.user,
        origin=Origin.from_request(request),
    )
    messages.success(request, _("The draft report is ready: check the figures."))
    return redirect("indicators:report-detail", report_pk=report.pk)


@login_required
@reads_from_replica
def report_detail(request: HttpRequest, report_pk: int) -> HttpResponse:
    """The report as it will leave the team (suppressed figures); coordinators edit a draft."""
    report = _report_or_404(request, report_pk)
    can_write = access.can_write_reports(request.user)
    initial = {
        "went_well": report.went_well,
        "problems_with_services": report.problems_with_services,
        "requests_to_municipality": report.requests_to_municipality,
        "what_changed": report.what_changed,
    }
    form = ReportNarrativeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            try:
                reports.report_update(
                    report=report,
                    actor=request.user,
                    **form.cleaned_data,
                    origin=Origin.from_request(request),
                )
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
                messages.error(request, _error_text(exc))
                status = 400
            else:
                messages.success(request, _("The narrative is saved."))
                return redirect("indicators:report-detail", report_pk=report.pk)
        else:
            status = 400
    versions = Report.objects.filter(
        municipality=report.municipality, period=report.period
    ).order_by("-version")
    return render(
        request,
        "indicators/reports/report_detail.html",
        {
            "report": report,
            "content": reports.report_content(report, suppress=True),
            "computed_at": reports.computed_at(report),
            "form": form if can_write and not report.is_published else None,
            "can_write": can_write,
            "versions": versions,
            "languages": settings.LANGUAGES,
            "pdf_ready": set(report.documents.values_list("language", flat=True)),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_publish(request: HttpRequest, report_pk: int) -> HttpResponse:
    """Publish a draft report: from then on it is frozen. A GET asks for confirmation."""
    report = _writable_report_or_404(request, report_pk)
    if request.method == "GET":
        if report.is_published:
            return redirect("indicators:report-detail", report_pk=report.pk)
        return render(request, "indicators/reports/report_publish_confirm.html", {"report": report})
    try:
        reports.report_publish(
            report=report, actor=request.user, origin=Origin.from_request(request)
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The report is published."))
    return redirect("indicators:report-detail", report_pk=report.pk)


@login_required
@require_POST
def report_refresh(request: HttpRequest, report_pk: int) -> HttpResponse:
    """Recompute the figures of a draft report."""
    report = _writable_report_or_404(request, report_pk)
    try:
        reports.report_refresh(
            report=report, actor=request.user, origin=Origin.from_request(request)
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The figures are recomputed."))
    return redirect("indicators:report-detail", report_pk=report.pk)


@login_required
@require_POST
def report_correct(request: HttpRequest, report_pk: int) -> HttpResponse:
    """Start a correction of a published report: a new draft version with fresh figures."""
    report = _writable_report_or_404(request, report_pk)
    new = reports.report_draft(
        municipality=report.municipality,
        period=Period.parse(report.period),
        actor=request.user,
        origin=Origin.from_request(request),
    )
    messages.success(request, _("A new version is drafted: say what changed, then publish it."))
    return redirect("indicators:report-detail", report_pk=new.pk)


def _pdf_language(request: HttpRequest) -> str:
    language = request.POST.get("lang") or request.GET.get("lang") or get_language()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _pdf_state(report: Report, language: str) -> dict:
    document = ReportDocument.objects.filter(report=report, language=language).only("pk").first()
    return {
        "report": report,
        "language": language,
        "ready": document is not None,
        "pending": document is None and pdf.render_pending(report, language),
    }


@login_required
@require_GET
@reads_from_replica
def report_pdf(request: HttpRequest, report_pk: int) -> HttpResponse:
    """The report's PDF in a language when it is rendered; otherwise a page to prepare it.

    A GET only serves a PDF already rendered: preparing one is a POST (`report_pdf_prepare`).
    """
    report = _report_or_404(request, report_pk)
    language = _pdf_language(request)
    document = ReportDocument.objects.filter(report=report, language=language).first()
    if document is None:
        state = _pdf_state(report, language)
        return render(
            request,
            "indicators/reports/report_pdf_pending.html",
            state,
            status=202 if state["pending"] else 200,
        )
    name = f"report-{report.municipality.slug}-{report.period}-v{report.version}-{language}.pdf"
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def report_pdf_prepare(request: HttpRequest, report_pk: int) -> HttpResponse:
    """Queue the render of the report's PDF in a language (one render at a time)."""
    report = _report_or_404(request, report_pk)
    language = _pdf_language(request)
    pdf.report_pdf_request(report=report, language=language)
    return redirect(f"{reverse('indicators:report-pdf', args=[report.pk])}?lang={language}")


@login_required
@require_GET
def report_pdf_status(request: HttpRequest, report_pk: int) -> HttpResponse:
    """The PDF's state as a fragment the "being prepared" page polls (htmx)."""
    report = _report_or_404(request, report_pk)
    return render(
        request,
        "indicators/reports/_pdf_status.html",
        _pdf_state(report, _pdf_language(request)),
    )


@login_required
@require_GET
@reads_from_replica
def report_csv(request: HttpRequest, report_pk: int) -> HttpResponse:
    """The report's figures as CSV (suppressed; UTF-8 with BOM)."""
    report = _report_or_404(request, report_pk)
    name = f"report-{report.municipality.slug}-{report.period}-v{report.version}.csv"
    response = HttpResponse(reports.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Team figures and drill-down -------------------------------------------------------------


def _team_or_404(request: HttpRequest, pk: int) -> Team:
    return get_object_or_404(
        access.figure_teams(request.user).select_related("municipality"), pk=pk
    )


def _period_from(request: HttpRequest) -> Period:
    text = request.POST.get("period") or request.GET.get("period", "")
    if text:
        try:
            period = Period.parse(text)
        except ValueError as exc:
            raise Http404 from exc
        if period.first > timezone.localdate():
            raise Http404  # a period that has not started has no figures to compute
        return period
    # By default the last complete month (the running one is a click away, to date).
    return Period.month_of(timezone.localdate()).previous()


@login_required
@require_GET
@reads_from_replica
def figures_list(request: HttpRequest) -> HttpResponse:
    """The teams whose figures the user may see."""
    teams = list(access.figure_teams(request.user).select_related("municipality"))
    if not teams:
        raise Http404
    return render(request, "indicators/reports/figures_list.html", {"teams": teams})


def _shown_periods(period: Period) -> list[Period]:
    """The period and the three before it, oldest first (the columns of the figures page)."""
    periods = [period]
    for _i in range(3):
        periods.append(periods[-1].previous())
    periods.reverse()
    return periods


def _column(state: services.FigureState) -> dict:
    """A period's column head: the period, and "to date, as of …" when it had not ended."""
    snap = state.snapshot
    as_of = None
    if snap is not None and snap.is_to_date:
        as_of = snap.as_of
    elif snap is None and state.period.is_running(timezone.localdate()):
        as_of = timezone.localdate()
    return {"period": str(state.period), "as_of": as_of, "state": state}


def _refresh_context(request: HttpRequest, team: Team, states: list) -> dict:
    """What the page says of freshness, and whether it offers "Refresh" or polls."""
    return {
        "states": states,
        "running": [s for s in states if s.run is not None],
        "failed": [s for s in states if s.failed is not None and s.run is None],
        "can_refresh": access.can_refresh_figures(request.user, team)
        and any(s.refreshable and s.run is None for s in states),
    }


@login_required
@require_GET
@reads_from_replica
def team_figures(request: HttpRequest, figures_team_pk: int) -> HttpResponse:
    """A team's indicators for the period and the three before it, with fidelity.

    A read: it shows the snapshots stored (never computes one); a missing or stale one says so
    and, for who may, offers "Refresh", which queues the computation.
    """
    team = _team_or_404(request, figures_team_pk)
    period = _period_from(request)
    periods = _shown_periods(period)
    states = services.figure_states(periods=periods, scope=Scope.team(team.slug))
    snaps = [s.snapshot for s in states]
    current = snaps[-1]
    exact = access.sees_exact_figures(request.user, team)  # else suppressed as in the reports
    hidden = None if exact else reports.snapshots_decision(snaps, with_breakdowns=True)
    # Objects of medians (by kind of agency) as rows `<key>.<kind>`, as in the reports.
    values = [None if s is None else reports.report_values(s.values) for s in snaps]
    sections = [
        {
            "title": title,
            "rows": [
                {
                    "key": key,
                    "label": label,
                    "cells": [
                        "—"
                        if v is None
                        else reports.show_value(v, key, kind, suppress=False)
                        if hidden is None
                        else hidden.text(f"p{i}", key, kind)
                        for i, v in enumerate(values)
                    ],
                    "drill": access.can_drill_down(request.user, key),
                }
                for key, label, kind in rows
            ],
        }
        for title, rows in reports.SECTIONS
    ]
    target = fidelity.target_for(team)
    return render(
        request,
        "indicators/reports/team_figures.html",
        {
            "team": team,
            "period": period,
            "periods": [str(p) for p in periods],
            "columns": [_column(s) for s in states],
            "snapshots": snaps,
            "current": current,
            "current_state": states[-1],
            "sections": sections,
            "breakdowns": reports.snapshots_breakdowns(snaps, hidden),
            "fidelity": fidelity.fidelity(team, current, target, suppress=not exact)
            if current is not None
            else [],
            "exact": exact,
            "pseudonymous": not access.sees_client_names_in_figures(request.user),
            **_refresh_context(request, team, states),
        },
    )


@login_required
@require_POST
def team_figures_refresh(request: HttpRequest, figures_team_pk: int) -> HttpResponse:
    """Queue the recomputation of a team's figures shown on a page: of the period asked for,
    and of the periods before it that are missing or stale (supervisors, coordinators)."""
    team = _team_or_404(request, figures_team_pk)
    if not access.can_refresh_figures(request.user, team):
        raise Http404
    period = _period_from(request)
    scope = Scope.team(team.slug)
    states = services.figure_states(periods=_shown_periods(period), scope=scope)
    wanted = [s for s in states[:-1] if s.refreshable and s.wants_refresh]
    if states[-1].refreshable:
        wanted.append(states[-1])
    origin = Origin.from_request(request)
    queued = [
        services.snapshot_refresh_request(period=s.period, scope=scope, origin=origin)[1]
        for s in wanted
    ]
    if any(queued):
        messages.success(request, _("The figures are being recomputed."))
    elif wanted:
        messages.info(request, _("The figures are already being recomputed."))
    else:
        messages.info(request, _("These figures are final (published): nothing to recompute."))
    target = request.POST.get("next", "")
    if target != "drilldown" or not access.can_drill_down(request.user, request.POST.get("key")):
        return redirect(f"{reverse('indicators:team-figures', args=[team.pk])}?period={period}")
    url = reverse("indicators:team-drilldown", args=[team.pk, request.POST["key"]])
    return redirect(f"{url}?period={period}")


@login_required
@require_GET
def team_figures_status(request: HttpRequest, figures_team_pk: int) -> HttpResponse:
    """The refresh's progress as a fragment the page polls (htmx); once no run is queued or
    running it asks htmx to reload the page, which then shows the fresh snapshots."""
    team = _team_or_404(request, figures_team_pk)
    period = _period_from(request)
    periods = [period] if request.GET.get("only") else _shown_periods(period)
    states = services.figure_states(periods=periods, scope=Scope.team(team.slug))
    context = {"team": team, "period": period, **_refresh_context(request, team, states)}
    if request.GET.get("only"):
        context["only"] = "1"
    response = render(request, "indicators/reports/_figures_status.html", context)
    if not context["running"] and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
@reads_from_replica
def team_drilldown(request: HttpRequest, figures_team_pk: int, key: str) -> HttpResponse:
    """The records counted in one figure of a team; coordinators see pseudonymous codes only.

    Records are marked against the snapshot: counted now but not then (added), counted then but
    no longer (listed below the others).
    """
    team = _team_or_404(request, figures_team_pk)
    if not access.can_drill_down(request.user, key):
        raise Http404
    period = _period_from(request)
    scope = Scope.team(team.slug)
    state = services.figure_states(periods=[period], scope=scope)[0]
    snapshot = state.snapshot
    records = drilldown.records(key, period, scope)
    exact = access.sees_exact_figures(request.user, team)
    value = snapshot.values.get(key) if snapshot is not None else None
    # Outside the team a hidden figure (a count of 1 to 4, or one hidden so that another cannot
    # be worked out) is not listed: its records would undo that; nor is what changed marked
    # against a small count in the snapshot.
    if snapshot is None:
        figure = "—"
    elif exact:
        figure = reports.show_value(snapshot.values, key, fmt.COUNT, suppress=False)
    else:
        figure = reports.snapshots_decision([snapshot]).text("p0", key, fmt.COUNT)
    withheld = not exact and (fmt.is_small(len(records)) or suppression.is_hidden(figure))
    compare = snapshot is not None and (
        exact or not (withheld or (isinstance(value, int) and fmt.is_small(value)))
    )
    changes = (
        drilldown.changes(key, period, scope, records, (snapshot.records or {}).get(key))
        if compare
        else None
    )
    rows = [] if withheld else records
    gone = changes.gone if changes is not None else []
    audit.record_many(
        action="indicator.drilldown",
        client_ids={r.client_id for r in rows} | {r.client_id for r in gone},
        origin=Origin.from_request(request),
        detail={"team": team.pk, "period": str(period), "key": key},
    )
    return render(
        request,
        "indicators/reports/team_drilldown.html",
        {
            "team": team,
            "period": period,
            "key": key,
            "label": drilldown.QUERIES[key][0],
            "rows": rows,
            "withheld": withheld,
            "figure": figure,
            "records": fmt.show(len(records), fmt.COUNT, suppress=not exact)
            if not withheld
            else figure,
            "snapshot": snapshot,
            "state": state,
            "changes": changes,
            "added": changes.added if changes is not None else frozenset(),
            "gone": gone,
            "pseudonymous": not access.sees_client_names_in_figures(request.user),
            "only": "1",
            **_refresh_context(request, team, [state]),
        },
    )


# --- Public ----------------------------------------------------------------------------------


@require_GET
@reads_from_replica
def public_summary(request: HttpRequest) -> HttpResponse:
    """Published reports' municipality figures, suppressed; nothing about individuals."""
    latest = (
        Report.objects.filter(status=Report.Status.PUBLISHED)
        .values("municipality_id", "period")
        .annotate(v=Max("version"))
    )
    wanted = {(r["municipality_id"], r["period"], r["v"]) for r in latest}
    published = [
        r
        for r in reports.with_snapshots(
            Report.objects.filter(status=Report.Status.PUBLISHED).select_related("municipality")
        ).order_by("municipality__name", "-period_first")
        if (r.municipality_id, r.period, r.version) in wanted
    ]
    blocks = []
    for report in published[:24]:
        content = reports.report_content(report, suppress=True)
        muni = [i for i, c in enumerate(content.columns) if c.team is None]
        blocks.append(
            {
                "report": report,
                "column": content.columns[muni[0]] if muni else None,
                "sections": [
                    {
                        "title": s["title"],
                        "rows": [(r["label"], r["cells"][muni[0]]) for r in s["rows"]],
                    }
                    for s in content.sections
                ]
                if muni
                else [],
            }
        )
    return render(
        request,
        "indicators/reports/public_summary.html",
        {"blocks": blocks},
    )
