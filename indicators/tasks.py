"""Celery tasks: adapters that call indicators.services (arguments are strings, never models)."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from outreach.models import Municipality, Team
from outreach.origin import Origin

from . import planner, reports, services
from .models import IndicatorSnapshot, Report, SnapshotRun
from .periods import Period, Scope

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


def all_scopes() -> list[Scope]:
    """Every scope a snapshot is kept for: everything, each municipality, each team."""
    return [
        Scope.everything(),
        *(
            Scope.municipality(s)
            for s in Municipality.objects.order_by("slug").values_list("slug", flat=True)
        ),
        *(Scope.team(s) for s in Team.objects.order_by("slug").values_list("slug", flat=True)),
    ]


def _recorded(
    task_name: str,
    task_id: str | None,
    period: str,
    scope: str,
    work: Callable[[Period, Scope, str], IndicatorSnapshot],
    run_id: int | None = None,
) -> int:
    """Run `work` and keep a SnapshotRun row saying how it went (failures keep their error).

    With `run_id` (a refresh asked for from a page) the queued run is taken over; if it is no
    longer queued (a retry after a failure, or a run given up as lost) a new run is recorded.
    """
    now = timezone.now()
    taken = run_id is not None and SnapshotRun.objects.filter(
        pk=run_id, status=SnapshotRun.Status.QUEUED, period=period, scope=scope
    ).update(status=SnapshotRun.Status.RUNNING, task_id=task_id or "", started_at=now)
    if taken:
        run = SnapshotRun.objects.get(pk=run_id)
    else:
        run = SnapshotRun.objects.create(
            task_name=task_name,
            task_id=task_id or "",
            period=period,
            scope=scope,
            started_at=now,
        )
    try:
        planner.ensure_statistics()  # plans from real statistics, not guesses (planner.py)
        snapshot = work(Period.parse(period), Scope.parse(scope), task_id or "")
    except Exception as exc:
        SnapshotRun.objects.filter(pk=run.pk).update(
            status=SnapshotRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}",
        )
        raise
    SnapshotRun.objects.filter(pk=run.pk).update(
        status=SnapshotRun.Status.SUCCEEDED, finished_at=timezone.now(), snapshot=snapshot
    )
    return snapshot.pk


@shared_task(name="indicators.tasks.snapshot_refresh", bind=True, **RETRY)
def snapshot_refresh(self, period: str, scope: str, run_id: int | None = None) -> int:
    """Recompute the draft snapshot for one period and scope; return its id.

    `run_id`: the queued SnapshotRun of a refresh asked for from a page.
    """
    return _recorded(
        self.name,
        self.request.id,
        period,
        scope,
        lambda p, s, tid: services.snapshot_compute(period=p, scope=s, task_id=tid),
        run_id,
    )


@shared_task(name="indicators.tasks.snapshot_finalise", bind=True, **RETRY)
def snapshot_finalise(self, period: str, scope: str) -> int:
    """Compute and publish the final snapshot of a closed period and scope, once; return its id."""
    return _recorded(
        self.name,
        self.request.id,
        period,
        scope,
        lambda p, s, tid: services.snapshot_finalise(
            period=p, scope=s, task_id=tid, origin=Origin.system("snapshot_finalise")
        ),
    )


@shared_task(name="indicators.tasks.refresh_current_drafts", **RETRY)
def refresh_current_drafts() -> int:
    """Queue the refresh of the current quarter's and month's drafts for every scope."""
    today = timezone.localdate()
    periods = (Period.quarter_of(today), Period.month_of(today))
    scopes = all_scopes()
    for period in periods:
        for scope in scopes:
            snapshot_refresh.delay(str(period), str(scope))
    return len(periods) * len(scopes)


@shared_task(name="indicators.tasks.finalise_previous_quarter", **RETRY)
def finalise_previous_quarter() -> int:
    """Queue the final (published) snapshot of the quarter that ended, for every scope."""
    period = Period.quarter_of(timezone.localdate()).previous()
    scopes = all_scopes()
    for scope in scopes:
        snapshot_finalise.delay(str(period), str(scope))
    return len(scopes)


@shared_task(name="indicators.tasks.draft_monthly_reports", **RETRY)
def draft_monthly_reports() -> int:
    """Queue the draft report of the month that ended per municipality (and of the quarter that
    ended, on the first day of a quarter); return the number of municipalities."""
    today = timezone.localdate()
    periods = [Period.month_of(today).previous()]
    if Period.quarter_of(today).first.month == today.month:
        periods.append(Period.quarter_of(today).previous())
    slugs = list(Municipality.objects.order_by("slug").values_list("slug", flat=True))
    for slug in slugs:
        for period in periods:
            draft_report.delay(str(period), slug)
    return len(slugs)


@shared_task(name="indicators.tasks.draft_report", **RETRY)
def draft_report(period: str, municipality: str) -> int | None:
    """Create or refresh the draft report of one municipality and period (not once published)."""
    found = Municipality.objects.get(slug=municipality)
    report = reports.report_draft(
        municipality=found,
        period=Period.parse(period),
        skip_if_published=True,
        origin=Origin.system("draft_report"),
    )
    return report.pk if report is not None else None


@shared_task(
    name="indicators.tasks.render_report_pdf",
    soft_time_limit=60,
    time_limit=90,
    **RETRY,
)
def render_report_pdf(report_id: int, language: str) -> int:
    """Render a report's PDF in a language and keep it; return the document id."""
    from . import pdf

    try:
        report = reports.with_snapshots(Report.objects.select_related("municipality")).get(
            pk=report_id
        )
        return pdf.report_document_render(report=report, language=language).pk
    finally:
        # The next "Prepare" may queue a render again (one render at a time, pdf.py).
        pdf.release_render(report_id, language)
