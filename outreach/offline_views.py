"""Work without signal (issue 17): the service worker, the web app manifest and the offline pages.

The server stays the one source of truth: the phone keeps copies of the worker's own caseload
and My work for reading (at most OFFLINE_KEEP_HOURS), and an outbox of forms that are sent, as
the same page POSTs with their idempotency token, when the connection returns. See
static/outreach/offline.js and templates/outreach/offline/sw.js.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from outreach import access
from outreach.forms import ContactForm
from outreach.models import Contact, Team, User
from outreach.staff import team_staff
from outreach.visits.forms import VisitMissedForm

# The longest a copy of the caseload or My work is kept on the phone (the service worker and
# the page both drop older copies).
OFFLINE_KEEP_HOURS = 72
# The app's own files the service worker keeps (templates/outreach/offline/sw.js lists them).
SHELL_FILES = (
    "outreach/app.css",
    "outreach/app.js",
    "outreach/outbox.js",
    "outreach/offline.js",
    "outreach/dates.js",
    "vendor/htmx/htmx.min.js",
    "vendor/flatpickr/flatpickr.min.js",
    "vendor/flatpickr/flatpickr.min.css",
    "vendor/flatpickr/bg.js",
    "outreach/favicon.svg",
)


def _shell_version() -> str:
    """Name the app files' cache after their contents, so that a new release replaces it."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        found = finders.find(name)
        if found:
            digest.update(Path(found).read_bytes())
        else:
            digest.update(static(name).encode())
    return digest.hexdigest()[:12]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Serve the service worker from the site root, so that it may control every page."""
    response = render(
        request,
        "outreach/offline/sw.js",
        {
            "keep_hours": OFFLINE_KEEP_HOURS,
            "version": _shell_version(),
            "shell_files": [static(name) for name in SHELL_FILES],
            # In the user's language: a new language is new bytes, so the browser installs it.
            "no_signal": _("No signal."),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker on each visit; never keep an old one.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """Describe the app for "Add to home screen"."""
    icons = [
        {"src": static(f"outreach/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons.append({"src": static("outreach/favicon.svg"), "sizes": "any", "type": "image/svg+xml"})
    response = JsonResponse(
        {
            "name": _("Outreach"),
            "short_name": _("Outreach"),
            "id": "/",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#12344d",
            "icons": icons,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = "application/manifest+json"
    return response


def _offline_user(request: HttpRequest) -> User:
    if not access.works_offline(request.user):
        raise Http404
    return request.user


@login_required
@require_safe
def offline_page(request: HttpRequest) -> HttpResponse:
    """The page the phone shows for a page it does not keep: the outbox, and what is kept."""
    _offline_user(request)
    return render(request, "outreach/offline/offline.html", {"keep_hours": OFFLINE_KEEP_HOURS})


@login_required
@require_safe
def offline_contact_form(request: HttpRequest) -> HttpResponse:
    """An empty contact form, without any client's data, that the phone fills in offline.

    The service worker shows it for /clients/<pk>/contacts/new/ when there is no signal; the
    form posts to that address (the client's own contact form) once it is sent, and the server
    checks the client, the staff and the times then, as for any contact.
    """
    user = _offline_user(request)
    teams = Team.objects.filter(members=user).order_by("pk")
    staff = User.objects.filter(pk__in=[u.pk for team in teams for u in team_staff(team)])
    form = ContactForm(
        staff_queryset=staff.order_by("last_name", "first_name"),
        initial={
            "started_at": timezone.localtime().replace(second=0, microsecond=0),
            "location": Contact.Location.STREET,
            "staff": [user.pk],
            "duration_minutes": 30,
        },
    )
    return render(request, "outreach/offline/contact_form.html", {"form": form})


@login_required
@require_safe
def offline_missed_form(request: HttpRequest) -> HttpResponse:
    """An empty "visit missed" form, without any client's data, for a phone without signal.

    The service worker shows it for /visits/<pk>/missed/ (the Missed link of a visit on My work)
    when there is no signal; it posts to that address once sent, and the server checks the
    visit then (still planned, of the worker's team), as for the page's own form.
    """
    _offline_user(request)
    return render(request, "outreach/offline/missed_form.html", {"form": VisitMissedForm()})


class SignOutView(auth_views.LogoutView):
    """Sign out, and have the browser drop everything the app kept on the phone.

    `Clear-Site-Data: "storage"` empties the service worker's caches, IndexedDB (the outbox) and
    local storage (drafts); the page's own script does the same first (static/outreach/offline.js)
    and asks before it drops forms still waiting to be sent.
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response
