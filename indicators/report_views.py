"""Pages of municipal reports, team figures with fidelity, drill-downs and the public summary."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outreach import audit
from outreach.models import Team
from outreach.origin import Origin

from . import access, drilldown, fidelity, reports, tasks
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
        },
        status=status,
    )


@login_required
@require_POST
def report_publish(request: HttpRequest, report_pk: int) -> HttpResponse:
    """Publish a draft report: from then on it is frozen."""
    report = _writable_report_or_404(request, report_pk)
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


@login_required
@require_GET
def report_pdf(request: HttpRequest, report_pk: int) -> HttpResponse:
    """The report's PDF in a language; rendered by a Celery task when not yet rendered."""
    report = _report_or_404(request, report_pk)
    languages = dict(settings.LANGUAGES)
    language = request.GET.get("lang") or get_language()
    if language not in languages:
        language = settings.LANGUAGE_CODE
    document = ReportDocument.objects.filter(report=report, language=language).first()
    # One render at a time per report and language: reloading the "being prepared" page
    # does not queue the same minute of work again.
    if document is None and cache.add(
        f"report-pdf:{report.pk}:{report.version}:{language}", 1, 120
    ):
        try:
            tasks.render_report_pdf.delay(report.pk, language)
        finally:
            if settings.CELERY_TASK_ALWAYS_EAGER:
                cache.delete(f"report-pdf:{report.pk}:{report.version}:{language}")
        document = ReportDocument.objects.filter(report=report, language=language).first()
    if document is None:
        return render(
            request,
            "indicators/reports/report_pdf_pending.html",
            {"report": report, "language": language},
            status=202,
        )
    name = f"report-{report.municipality.slug}-{report.period}-v{report.version}-{language}.pdf"
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
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
    text = request.GET.get("period", "")
    if text:
        try:
            period = Period.parse(text)
        except ValueError as exc:
            raise Http404 from exc
        if period.first > timezone.localdate():
            raise Http404  # a period that has not started has no figures to compute
        return period
    # The last complete month: point-in-time figures (caseload, not seen for 30 days, team
    # approach) of a running period are taken on its last day, which is still ahead.
    return Period.month_of(timezone.localdate()).previous()


@login_required
@require_GET
def figures_list(request: HttpRequest) -> HttpResponse:
    """The teams whose figures the user may see."""
    teams = list(access.figure_teams(request.user).select_related("municipality"))
    if not teams:
        raise Http404
    return render(request, "indicators/reports/figures_list.html", {"teams": teams})


@login_required
@require_GET
def team_figures(request: HttpRequest, figures_team_pk: int) -> HttpResponse:
    """A team's indicators (exact) for the period and the three before it, with fidelity."""
    team = _team_or_404(request, figures_team_pk)
    period = _period_from(request)
    periods = [period]
    for _i in range(3):
        periods.append(periods[-1].previous())
    periods.reverse()
    scope = Scope.team(team.slug)
    snaps = [reports.latest_snapshot(period=p, scope=scope) for p in periods]
    current = snaps[-1]
    exact = access.sees_exact_figures(request.user, team)  # else suppressed as in the reports
    sections = [
        {
            "title": title,
            "rows": [
                {
                    "key": key,
                    "label": label,
                    "cells": [
                        reports.show_value(s.values, key, kind, suppress=not exact) for s in snaps
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
            "snapshots": snaps,
            "current": current,
            "sections": sections,
            "fidelity": fidelity.fidelity(team, current, target, suppress=not exact),
            "exact": exact,
            "pseudonymous": not access.sees_client_names_in_figures(request.user),
        },
    )


@login_required
@require_GET
def team_drilldown(request: HttpRequest, figures_team_pk: int, key: str) -> HttpResponse:
    """The records counted in one figure of a team; coordinators see pseudonymous codes only."""
    team = _team_or_404(request, figures_team_pk)
    if not access.can_drill_down(request.user, key):
        raise Http404
    period = _period_from(request)
    snapshot = reports.latest_snapshot(period=period, scope=Scope.team(team.slug))
    records = drilldown.records(key, period, Scope.team(team.slug))
    exact = access.sees_exact_figures(request.user, team)
    # Outside the team a count of 1 to 4 is suppressed; listing its records would undo that.
    withheld = not exact and fmt.is_small(len(records))
    rows = [] if withheld else records
    audit.record_many(
        action="indicator.drilldown",
        client_ids={r.client_id for r in rows},
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
            "figure": reports.show_value(snapshot.values, key, fmt.COUNT, suppress=not exact),
            "records": fmt.show(len(records), fmt.COUNT, suppress=not exact),
            "snapshot": snapshot,
            "pseudonymous": not access.sees_client_names_in_figures(request.user),
        },
    )


# --- Public ----------------------------------------------------------------------------------


@require_GET
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
