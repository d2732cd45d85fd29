"""Pages of break-the-glass and of the access report: parse, ask access, call a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from outreach import access, audit
from outreach.csv_export import csv_writer
from outreach.emergency import report, services
from outreach.emergency.forms import AccessReportFilter, EmergencyAccessForm, EmergencyReviewForm
from outreach.forms import apply_validation_error
from outreach.origin import Origin

REPORT_PAGE_SIZE = 100


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access_start(request: HttpRequest) -> HttpResponse:
    """Break the glass: the exact code of another team's client and a reason, then the record."""
    if not access.can_request_emergency_access(request.user):
        raise Http404
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if access.visible_clients(request.user).filter(code__iexact=code).exists():
            form.add_error("code", _("This client is of your own team: open the record as usual."))
        else:
            target = access.emergency_access_target(request.user, code)
            if target is None:
                form.add_error("code", _("No client of another team has this code."))
            else:
                try:
                    services.emergency_access_grant(
                        user=request.user,
                        client=target,
                        reason=form.cleaned_data["reason"],
                        origin=Origin.from_request(request),
                    )
                except ValidationError as exc:
                    apply_validation_error(form, exc)
                else:
                    messages.warning(
                        request,
                        _(
                            "Emergency access granted, read-only, for %(hours)d hours. "
                            "The client's team supervisor will review it."
                        )
                        % {"hours": settings.OUTREACH_EMERGENCY_ACCESS_HOURS},
                    )
                    return redirect("outreach:client-detail", pk=target.pk)
    grants = list(
        access.emergency_access_of(request.user)
        .select_related("client")
        .order_by("-granted_at")[:10]
    )
    return render(
        request,
        "outreach/emergency/start.html",
        {
            "form": form,
            "grants": grants,
            "now": timezone.now(),
            "hours": settings.OUTREACH_EMERGENCY_ACCESS_HOURS,
        },
        status=400 if form.errors else 200,
    )


@login_required
def emergency_review_list(request: HttpRequest) -> HttpResponse:
    """The supervisor's list of emergency uses on their teams' clients, pending ones first."""
    if not access.sees_emergency_reviews(request.user):
        raise Http404
    grants = access.emergency_reviews(request.user).select_related("user", "client", "reviewed_by")
    pending = list(grants.pending_review().order_by("granted_at"))
    reviewed = list(grants.filter(reviewed_at__isnull=False).order_by("-reviewed_at")[:20])
    audit.record_many(
        origin=Origin.from_request(request),
        action="emergency_access.review_list",
        client_ids={g.client_id for g in pending + reviewed},
    )
    return render(
        request,
        "outreach/emergency/review_list.html",
        {"pending": pending, "reviewed": reviewed, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def emergency_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Review one use of emergency access: accepted, or questioned with a comment."""
    grant = get_object_or_404(
        access.emergency_reviews(request.user).select_related("user", "client", "reviewed_by"),
        pk=pk,
    )
    if not access.can_review_emergency_access(request.user, grant):
        raise Http404
    form = EmergencyReviewForm(request.POST or None)
    if request.method == "POST" and grant.reviewed_at is None and form.is_valid():
        try:
            services.emergency_access_review(
                grant=grant,
                reviewer=request.user,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Review saved."))
            return redirect("outreach:emergency-reviews")
    if request.method == "GET":
        audit.record(
            action="emergency_access.review_open",
            target=grant,
            client=grant.client,
            origin=Origin.from_request(request),
        )
    reads = (
        access.access_report_events(request.user)
        .filter(client_id=grant.client_id, detail__grant=grant.pk)
        .only("id", "at", "action", "path")
        .order_by("at", "id")
    )
    return render(
        request,
        "outreach/emergency/review.html",
        {"grant": grant, "form": form, "reads": list(reads[:200])},
        status=400 if form.errors else 200,
    )


@login_required
def access_report(request: HttpRequest) -> HttpResponse:
    """Who read and changed which record: by client, user and period; CSV; unusual days."""
    if not access.sees_access_report(request.user):
        raise Http404
    rows = report.access_report_rows(user=request.user)
    filters = AccessReportFilter(request.GET or None, queryset=rows)
    events = filters.qs if filters.is_bound and filters.is_valid() else rows
    origin = Origin.from_request(request)
    if request.GET.get("export") == "csv":
        return _report_csv(events, origin)
    page = Paginator(events, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        action="access_report.view",
        origin=origin,
        detail={"rows": len(page.object_list), "filters": _filters_used(request)},
    )
    for event in page.object_list:
        event.emergency = report.is_emergency(event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/emergency/access_report.html",
        {
            "filters": filters,
            "page": page,
            "unusual": report.unusual_days(events),
            "threshold": settings.OUTREACH_ACCESS_ANOMALY_THRESHOLD,
            "query": query.urlencode(),
        },
    )


def _filters_used(request: HttpRequest) -> dict[str, str]:
    return {k: v for k, v in request.GET.items() if k in AccessReportFilter.base_filters and v}


def _report_csv(events, origin: Origin) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-report.csv"'
    writer = csv_writer(response)
    writer.writerow(
        ["at", "user", "role", "action", "client_code", "emergency", "ip_address", "token"]
    )
    count = 0
    for event in events.iterator(chunk_size=2000):
        count += 1
        writer.writerow(
            [
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                event.actor_username,
                event.actor_role,
                event.action,
                event.client.code if event.client else "",
                "yes" if report.is_emergency(event) else "",
                event.ip_address or "",
                event.token_name,
            ]
        )
    audit.record(action="access_report.export", origin=origin, detail={"rows": count})
    return response
