"""Pages of the core record: parse, check access, call a selector or service, render."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from outreach import access, audit, clientpage, selectors, services
from outreach.accounts import selectors as account_selectors
from outreach.caserecord import selectors as event_selectors
from outreach.forms import (
    ClientForm,
    ConsentForm,
    ConsentWithdrawForm,
    ContactForm,
    EngagementForm,
    SupportPersonForm,
    apply_validation_error,
)
from outreach.models import AuditEvent, Client, Consent, Contact, SupportPerson, Tandem
from outreach.origin import Origin
from outreach.safeguarding import selectors as safeguarding_selectors
from outreach.search import search_filter
from outreach.social import selectors as social_selectors
from outreach.staff import team_staff
from outreach.submissions import idempotent_create

logger = logging.getLogger(__name__)


def _client_form_page(
    request: HttpRequest, client, form, *, save, saved: str, template: str
) -> HttpResponse:
    """Validate a client's form, save it through its service, or show it again with errors."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect(client)
    return render(
        request, template, {"client": client, "form": form}, status=400 if form.errors else 200
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work starts."""
    start = access.start_page(request.user)
    if start is not None:
        try:
            return redirect(reverse(start))
        except NoReverseMatch:
            logger.info("no route %s for the start page", start)
    return render(request, "outreach/home.html")


def _team_caseload_context(request: HttpRequest, *, mine: bool) -> dict:
    sort = request.GET.get("sort", "name")
    if sort not in selectors.SORTS:
        sort = "name"
    teams = list(access.visible_teams(request.user))
    team = None
    if request.GET.get("team"):
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
        if team is None:
            raise Http404
    clients = list(selectors.caseload_list(user=request.user, team=team, mine=mine, sort=sort))
    today = timezone.localdate()
    # The same not-seen rule as My work and the caseload review (never seen: from acceptance).
    rows = [(c, selectors.visit_flag(c, today)) for c in clients]
    counts = {
        "total": len(clients),
        "not_seen_14": sum(1 for _c, f in rows if f.needs_visit),
        "not_seen_30": sum(1 for _c, f in rows if f.long_unseen),
    }
    flag_filter = request.GET.get("flag", "")
    if flag_filter == "14":
        rows = [(c, f) for c, f in rows if f.needs_visit]
    elif flag_filter == "30":
        rows = [(c, f) for c, f in rows if f.long_unseen]
    return {
        "rows": rows,
        "sort": sort,
        "teams": teams,
        "team": team,
        "flag": flag_filter,
        "counts": counts,
    }


@login_required
@vary_on_headers("HX-Request")
def caseload(request: HttpRequest) -> HttpResponse:
    """My caseload: the clients of the worker's tandem, least recently seen first on demand."""
    if not access.sees_team_caseload(request.user):
        raise Http404
    mine = request.GET.get("scope", "mine") != "team"
    context = _team_caseload_context(request, mine=mine)
    context["mine"] = mine
    audit.record_many(
        action="caseload.view",
        client_ids=[c.pk for c, _flag in context["rows"]],
        origin=Origin.from_request(request),
        detail={"scope": "mine" if mine else "team"},
    )
    template = "outreach/_caseload_table.html" if request.htmx else "outreach/caseload.html"
    return render(request, template, context)


@login_required
@vary_on_headers("HX-Request")
def team_caseload(request: HttpRequest) -> HttpResponse:
    """The supervisor's view of a team: every client in care, flags and tandem load."""
    if not access.sees_team_caseload(request.user):
        raise Http404
    context = _team_caseload_context(request, mine=False)
    context["tandems"] = list(selectors.tandem_load(user=request.user, team=context["team"]))
    if not request.htmx:
        # Who changed the roles and teams of the team's members: the supervisor's check on admins.
        context["access_changes"] = account_selectors.team_access_changes(user=request.user)
        # WHO's share of staff trained in rights-based approaches, per team (one query each).
        context["training_shares"] = [
            (t, safeguarding_selectors.rights_trained_share(team=t)) for t in context["teams"]
        ]
        if access.sees_emergency_reviews(request.user):
            # Where supervisors start their day: the uses of emergency access they must review.
            context["pending_reviews"] = list(
                access.emergency_reviews(request.user)
                .pending_review()
                .select_related("user", "client")
                .order_by("granted_at")
            )
            context["now"] = timezone.now()
    audit.record_many(
        action="caseload.view",
        client_ids=[c.pk for c, _flag in context["rows"]],
        origin=Origin.from_request(request),
        detail={"scope": "team"},
    )
    template = "outreach/_caseload_table.html" if request.htmx else "outreach/team_caseload.html"
    return render(request, template, context)


def _timeline_page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 10_000 else 1


@login_required
@require_safe
@vary_on_headers("HX-Request")
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The client page: first what matters on a phone (who, alerts, due, plan, last seen, key
    people), then the timeline in pages of 20 (htmx "Show more", or ?page=N without JS)."""
    # Read-only: an emergency grant opens this page (and no form) to another team's staff.
    client = access.client_for_reading(request, pk)
    events = event_selectors.client_events(user=request.user, client=client)
    episodes = list(client.episodes.select_related("tandem__professional", "tandem__peer"))
    living = social_selectors.living_situation(
        user=request.user, client=client, intake_on=social_selectors.intake_on(episodes)
    )
    carers = social_selectors.carers_of(user=request.user, client=client)
    spendings = social_selectors.spendings_of(user=request.user, client=client)
    safeguarding = safeguarding_selectors.client_safeguarding(user=request.user, client=client)
    page = selectors.timeline_page(
        user=request.user,
        client=client,
        events=events.events
        + social_selectors.timeline_events(living=living)
        + social_selectors.carer_events(carers)
        + social_selectors.spending_events(spendings)
        + safeguarding.events,
        page=_timeline_page_number(request),
    )
    timeline = {
        "timeline": page.entries,
        "page": page,
        "editable_contacts": {
            c.pk for c in page.contacts if access.can_edit_contact(request.user, c)
        },
    }
    if request.htmx:
        return render(request, "outreach/_timeline_page.html", {"client": client, **timeline})
    today = timezone.localdate()
    support_people = list(client.support_people.all())
    last_seen = selectors.last_seen_contact(user=request.user, client=client)
    context = {
        "client": client,
        **timeline,
        "episodes": episodes,
        "living": living,
        "carers": carers,
        "spendings": spendings,
        "data": events,
        "risk": safeguarding_selectors.risk_banner(
            safeguarding=safeguarding, recent=event_selectors.risk_alerts(events)
        ),
        "safeguarding": safeguarding,
        "in_page": True,
        "support_people": support_people,
        "key_people": [p for p in support_people if not p.do_not_contact],
        "do_not_contact": [p for p in support_people if p.do_not_contact],
        "last_seen": last_seen,
        "last_seen_days": (today - timezone.localtime(last_seen.started_at).date()).days
        if last_seen
        else None,
        "next_visit": selectors.next_planned_visit(user=request.user, client=client, today=today),
        "sections": clientpage.render_sections(request, client, today),
        "consents": list(client.consents.select_related("support_person", "agency")),
        "age": client.age_on(today),
        "today": today,
        "can_erase": access.can_erase_client(request.user, client),
        "can_export": access.can_export_client(request.user, client),
        "emergency_access": client.emergency_access,
    }
    return render(request, "outreach/client_detail.html", context)


def contact_form_initial(request: HttpRequest, client) -> dict:
    last = (
        client.contacts.filter(mode=Contact.Mode.FACE_TO_FACE)
        .exclude(location="")
        .order_by("-started_at")
        .values_list("location", flat=True)
        .first()
    )
    staff = [request.user.pk]
    if client.tandem_id and access.is_in_tandem(request.user, client):
        staff = list(client.tandem.member_ids())
    return {
        "started_at": timezone.localtime().replace(second=0, microsecond=0),
        "location": last or Contact.Location.STREET,
        "staff": staff,
        "duration_minutes": 30,
    }


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def contact_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Log a contact from a phone in under a minute: sensible defaults, no JavaScript needed."""
    client = access.client_for_request(request, client_pk, action="client.view")
    staff_qs = team_staff(client.team_id)
    form = ContactForm(
        request.POST or None,
        staff_queryset=staff_qs,
        initial=contact_form_initial(request, client),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        staff = data.pop("staff")
        interventions = data.pop("interventions")
        try:
            services.contact_log(
                client=client,
                author=request.user,
                staff=staff,
                interventions=interventions,
                origin=Origin.from_request(request),
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(client)
    return render(
        request,
        "outreach/contact_form.html",
        {"client": client, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_update(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Edit one's own contact; every change is audited."""
    client = access.client_or_404(request, client_pk)
    contact = get_object_or_404(
        access.scoped(Contact.objects.filter(client=client), request.user, via="client"), pk=pk
    )
    if not access.can_edit_contact(request.user, contact):
        raise PermissionDenied(_("Only the author of a contact can edit it."))
    # Opening the form is a read; only a successful save (the service) records a change.
    access.audit_read(request, contact, action="contact.view", client=client)
    staff_qs = team_staff(client.team_id)
    form = ContactForm(request.POST or None, instance=contact, staff_queryset=staff_qs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        staff = data.pop("staff")
        interventions = data.pop("interventions")
        try:
            services.contact_update(
                contact=Contact.objects.get(pk=contact.pk),
                actor=request.user,
                staff=staff,
                interventions=interventions,
                origin=Origin.from_request(request),
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Contact updated."))
            return redirect(client)
    return render(
        request,
        "outreach/contact_form.html",
        {"client": client, "form": form, "contact": contact},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def client_create(request: HttpRequest) -> HttpResponse:
    """Start a record for a person the team is engaging: a name and where to find them."""
    teams = access.visible_teams(request.user)
    if not access.can_open_record(request.user):
        raise Http404
    form = EngagementForm(request.POST or None, team_queryset=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            client = services.client_create(
                actor=request.user, origin=Origin.from_request(request), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Record opened. Log your attempts to reach the person as contacts.")
            )
            return redirect(client)
    return render(
        request, "outreach/client_create.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a client's details."""
    client = access.client_for_request(request, pk)
    tandems = None
    if access.can_manage_team(request.user, client.team):
        tandems = Tandem.objects.filter(team=client.team, ended_on__isnull=True).select_related(
            "professional", "peer"
        )
    form = ClientForm(request.POST or None, instance=client, tandem_queryset=tandems)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(
                # The form has written its values onto `client`; the service compares with the row.
                client=Client.objects.get(pk=client.pk),
                actor=request.user,
                origin=Origin.from_request(request),
                **{f: form.cleaned_data[f] for f in form.fields},
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Client details saved."))
            return redirect(client)
    return render(
        request,
        "outreach/client_form.html",
        {"client": client, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create("pk")
def support_person_edit(
    request: HttpRequest, client_pk: int, pk: int | None = None
) -> HttpResponse:
    """Add or change a person of the client's support network."""
    client = access.client_or_404(request, client_pk)
    person = (
        get_object_or_404(SupportPerson, client=client, pk=pk)
        if pk
        else SupportPerson(client=client)
    )
    access.audit_read(request, client, action="client.view")
    form = SupportPersonForm(request.POST or None, instance=person)
    return _client_form_page(
        request,
        client,
        form,
        save=lambda: services.support_person_save(
            client=client,
            actor=request.user,
            person=form.instance,
            origin=Origin.from_request(request),
        ),
        saved=_("Support network saved."),
        template="outreach/support_person_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_create()
def consent_create(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Record a consent to share with a named agency or person."""
    client = access.client_for_request(request, client_pk)
    form = ConsentForm(
        request.POST or None, client=client, initial={"given_on": timezone.localdate()}
    )
    form.instance.client = client
    return _client_form_page(
        request,
        client,
        form,
        save=lambda: services.consent_save(
            client=client,
            actor=request.user,
            consent=form.instance,
            origin=Origin.from_request(request),
        ),
        saved=_("Consent recorded."),
        template="outreach/consent_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, client_pk: int, pk: int) -> HttpResponse:
    """Record that the client withdrew a consent, from the client's page."""
    client = access.client_or_404(request, client_pk)
    consent = get_object_or_404(
        Consent.objects.filter(client=client).select_related("support_person", "agency"), pk=pk
    )
    access.audit_read(request, consent, action="consent.view", client=client)
    form = ConsentWithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if consent.withdrawn_on is not None:
        form.add_error(None, _("This consent was already withdrawn."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent,
                actor=request.user,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                how=form.cleaned_data["withdrawn_how"],
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Consent withdrawn."))
            return redirect(client)
    return render(
        request,
        "outreach/consent_withdraw.html",
        {"client": client, "consent": consent, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def client_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The record's audit trail, for supervisors of the client's team."""
    # Asked first: a worker's refused request must not be audited as a view of the trail.
    if not access.can_view_audit_trail(request.user):
        raise Http404
    client = access.client_for_request(request, pk, action="client.audit_view")
    events = AuditEvent.objects.filter(client=client).order_by("-at", "-id")[:500]
    return render(request, "outreach/client_audit.html", {"client": client, "events": events})


@login_required
def client_search(request: HttpRequest) -> HttpResponse:
    """Find a client of one's teams by name, code or phone."""
    q = request.GET.get("q", "").strip()
    results = []
    if q:
        results = list(
            access.visible_clients(request.user)
            .filter(search_filter(q))
            # The keys sort alike on both databases (the names' collations do not).
            .order_by("family_key", "given_key", "pk")
            .select_related("team")[:50]
        )
        audit.record_many(
            action="client.search",
            client_ids=[c.pk for c in results],
            origin=Origin.from_request(request),
            detail={"results": len(results)},
        )
    return render(request, "outreach/client_search.html", {"q": q, "results": results})
