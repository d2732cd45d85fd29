"""Pages of the agency directory: the coordinator lists, adds, corrects and stops offering the
agencies of their municipality. Anyone else, and any agency of another municipality: 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from outreach import access
from outreach.agencies import services
from outreach.agencies.forms import AgencyForm
from outreach.forms import apply_validation_error
from outreach.models import Agency, AgencyKind, Municipality
from outreach.origin import Origin
from outreach.submissions import idempotent_create


def _municipality_or_404(request: HttpRequest) -> Municipality:
    municipality_id = access.directory_municipality_id(request.user)
    if municipality_id is None:
        raise Http404
    return get_object_or_404(Municipality, pk=municipality_id)


@login_required
@require_safe
def agency_list(request: HttpRequest) -> HttpResponse:
    """The municipality's directory, by kind: the agencies offered, then those no longer offered,
    each with how many requests name it."""
    municipality = _municipality_or_404(request)
    agencies = list(
        access.directory_agencies(request.user)
        .annotate(request_count=Count("requests"))
        .order_by("name", "pk")
    )
    labels = dict(AgencyKind.choices)
    groups = [
        {
            "kind": kind,
            "label": labels[kind],
            "agencies": [a for a in agencies if a.kind == kind and a.active],
        }
        for kind in AgencyKind.values
    ]
    context = {
        "municipality": municipality,
        "groups": [g for g in groups if g["agencies"]],
        "inactive": [a for a in agencies if not a.active],
        "offered": sum(1 for a in agencies if a.active),
    }
    return render(request, "outreach/agencies/agency_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("pk")
def agency_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an agency to the directory (name and kind), or correct one."""
    municipality = _municipality_or_404(request)
    instance = get_object_or_404(access.directory_agencies(request.user), pk=pk) if pk else None
    form = AgencyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_save(
                actor=request.user,
                agency=form.save(commit=False),
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Agency “%(name)s” saved.") % {"name": agency.name})
            return redirect(reverse("outreach:agency-list"))
    title = _("Change the agency") if instance else _("Add an agency")
    return render(
        request,
        "outreach/agencies/agency_form.html",
        {"municipality": municipality, "form": form, "title": title, "agency": instance},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def agency_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop offering the agency for new requests (`active=0`), or offer it again (`active=1`)."""
    agency: Agency = get_object_or_404(access.directory_agencies(request.user), pk=pk)
    wanted = request.POST.get("active")
    if wanted not in ("0", "1"):
        return HttpResponse(
            _("Say whether the agency is offered (active=1) or not (0)."), status=400
        )
    agency = services.agency_set_active(
        actor=request.user, agency=agency, active=wanted == "1", origin=Origin.from_request(request)
    )
    if agency.active:
        messages.success(request, _("“%(name)s” is offered again.") % {"name": agency.name})
    else:
        messages.success(
            request,
            _("“%(name)s” is no longer offered for new requests; its past requests keep it.")
            % {"name": agency.name},
        )
    return redirect(reverse("outreach:agency-list"))
