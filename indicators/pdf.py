"""The report PDF with WeasyPrint (outreach.pdf: resources only from the app's static files)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from outreach.pdf import html_to_pdf

from . import reports
from .models import Report, ReportDocument

# One render at a time per report and language: asking again while one is under way queues
# nothing. The mark expires by itself should a worker die without removing it.
RENDER_MARK_SECONDS = 120


def _render_mark(report_id: int, language: str) -> str:
    return f"report-pdf:{report_id}:{language}"


def render_pending(report: Report, language: str) -> bool:
    """Tell whether a render of the report's PDF in `language` is under way."""
    return cache.get(_render_mark(report.pk, language)) is not None


def release_render(report_id: int, language: str) -> None:
    cache.delete(_render_mark(report_id, language))


def report_pdf_request(*, report: Report, language: str) -> bool:
    """Queue the render of the report's PDF in `language` (a POST); return whether this call
    queued it (False: a render is under way already, or the PDF is there)."""
    from . import tasks  # the task calls this module

    if ReportDocument.objects.filter(report=report, language=language).exists():
        return False
    if not cache.add(_render_mark(report.pk, language), 1, RENDER_MARK_SECONDS):
        return False
    try:
        tasks.render_report_pdf.delay(report.pk, language)
    except Exception:
        release_render(report.pk, language)
        raise
    return True


def report_html(report: Report, language: str) -> str:
    """Return the HTML of the report's PDF in `language` (figures suppressed)."""
    with translation.override(language):
        return render_to_string(
            "indicators/reports/report_pdf.html",
            {
                "report": report,
                "content": reports.report_content(report, suppress=True),
                "computed_at": reports.computed_at(report),
                "language": language,
                "now": timezone.now(),
            },
        )


def report_pdf(report: Report, language: str) -> bytes:
    """Render the report to PDF bytes (A4)."""
    html = report_html(report, language)
    return html_to_pdf(html)


def _state(report: Report) -> tuple:
    """What a rendered PDF shows of the report besides its frozen snapshots."""
    return (
        report.status,
        report.version,
        report.figures_refreshed_at,
        report.went_well,
        report.problems_with_services,
        report.requests_to_municipality,
        report.what_changed,
        report.published_at,
    )


def report_document_render(*, report: Report, language: str, attempts: int = 3) -> ReportDocument:
    """Render the PDF and keep it (one per report and language; a re-render replaces it).

    Rendering takes a moment without a lock; if the report was published, edited or
    recomputed meanwhile, the stale PDF is thrown away and the fresh report rendered.
    """
    for _attempt in range(attempts):
        started = time.perf_counter()
        pdf = report_pdf(report, language)
        with transaction.atomic():
            fresh = Report.objects.select_for_update().get(pk=report.pk)
            if _state(fresh) == _state(report):
                document, _created = ReportDocument.objects.update_or_create(
                    report=fresh,
                    language=language,
                    defaults={
                        "pdf": pdf,
                        "rendered_at": timezone.now(),
                        "render_seconds": time.perf_counter() - started,
                    },
                )
                return document
        report = reports.with_snapshots(Report.objects.select_related("municipality")).get(
            pk=report.pk
        )
    raise RuntimeError(f"report {report.pk} kept changing while its PDF was rendered")
