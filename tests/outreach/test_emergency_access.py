"""Break the glass: a reasoned, time-limited, read-only grant to another team's client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach import access
from outreach.emergency import report, services
from outreach.models import AuditEvent, EmergencyAccess, ReviewOutcome, Role
from tests.access_people import answers, only, people
from tests.factories import ClientFactory, ContactFactory, UserFactory, make_origin
from tests.outreach.test_access_matrix import PARAM, ROUTES, _fill

__all__ = ["people"]  # the fixture

REASON = "Crisis call at night: I need the crisis plan to act on it now."


@pytest.fixture
def grant(outsider, team_client):
    return services.emergency_access_grant(
        user=outsider, client=team_client, reason=REASON, origin=make_origin(outsider)
    )


# --- The service -------------------------------------------------------------------------


def test_grant_is_time_limited_and_audited(outsider, team_client, settings):
    settings.OUTREACH_EMERGENCY_ACCESS_HOURS = 4
    before = timezone.now()
    grant = services.emergency_access_grant(
        user=outsider, client=team_client, reason=f"  {REASON}  ", origin=make_origin(outsider)
    )
    assert grant.reason == REASON
    assert timedelta(hours=4) <= grant.expires_at - before < timedelta(hours=4, minutes=1)
    event = AuditEvent.objects.get(action="emergency_access.grant")
    assert event.client_id == team_client.pk and event.actor_id == outsider.pk
    assert event.detail["emergency"] is True and event.detail["grant"] == grant.pk


def test_grant_lasts_the_configured_hours(outsider, team_client, settings):
    settings.OUTREACH_EMERGENCY_ACCESS_HOURS = 1
    grant = services.emergency_access_grant(
        user=outsider, client=team_client, reason=REASON, origin=make_origin(outsider)
    )
    assert grant.expires_at - grant.granted_at == timedelta(hours=1)


@pytest.mark.parametrize(
    "reason", ["", "   ", "urgent", "x" * 19, " a   b   c   d   e   f   g  ", "\n\t " * 30]
)
def test_a_reason_is_at_least_a_sentence(outsider, team_client, reason):
    with pytest.raises(ValidationError) as exc:
        services.emergency_access_grant(
            user=outsider, client=team_client, reason=reason, origin=make_origin(outsider)
        )
    assert exc.value.error_dict["reason"][0].code == "reason_too_short"
    assert not EmergencyAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="emergency_access.grant").exists()


def test_twenty_characters_are_enough(outsider, team_client):
    services.emergency_access_grant(
        user=outsider, client=team_client, reason="x" * 20, origin=make_origin(outsider)
    )
    assert EmergencyAccess.objects.count() == 1


def test_no_grant_to_ones_own_team_or_for_other_roles(
    worker, coordinator, partner, admin_user, dpo, team_client
):
    with pytest.raises(ValidationError):
        services.emergency_access_grant(
            user=worker, client=team_client, reason=REASON, origin=make_origin(worker)
        )
    for user in (coordinator, partner, admin_user, dpo):
        with pytest.raises(PermissionDenied):
            services.emergency_access_grant(
                user=user, client=team_client, reason=REASON, origin=make_origin(user)
            )
    assert not EmergencyAccess.objects.exists()


def test_who_may_break_the_glass(people):
    assert answers(access.can_request_emergency_access, people) == only(
        {"worker", "peer", "supervisor", "outsider", "outside_supervisor"}
    )


def test_supervisors_with_an_address_are_mailed(
    outsider,
    team_client,
    supervisor,
    worker,
    outside_supervisor,
    django_capture_on_commit_callbacks,
):
    supervisor.email = "lead@example.org"
    supervisor.save()
    worker.email = "worker@example.org"  # a worker of the team: not a reviewer
    worker.save()
    outside_supervisor.email = "other@example.org"
    outside_supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        grant = services.emergency_access_grant(
            user=outsider, client=team_client, reason=REASON, origin=make_origin(outsider)
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead@example.org"]
    assert team_client.code in message.subject
    assert reverse("outreach:emergency-review", args=[grant.pk]) in message.body
    assert team_client.family_name not in message.body


def test_no_mail_without_an_address(
    outsider, team_client, supervisor, django_capture_on_commit_callbacks
):
    supervisor.email = ""
    supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.emergency_access_grant(
            user=outsider, client=team_client, reason=REASON, origin=make_origin(outsider)
        )
    assert mail.outbox == []


def test_review_by_the_clients_team_supervisor(grant, supervisor):
    services.emergency_access_review(
        grant=grant,
        reviewer=supervisor,
        outcome=ReviewOutcome.ACCEPTED,
        comment="",
        origin=make_origin(supervisor),
    )
    grant.refresh_from_db()
    assert grant.outcome == "accepted" and grant.reviewed_by == supervisor
    event = AuditEvent.objects.get(action="emergency_access.review")
    assert event.detail == {"grant": grant.pk, "outcome": "accepted"}
    with pytest.raises(ValidationError):
        services.emergency_access_review(
            grant=grant,
            reviewer=supervisor,
            outcome=ReviewOutcome.QUESTIONED,
            comment="again",
            origin=make_origin(supervisor),
        )


def test_questioning_needs_a_comment(grant, supervisor):
    with pytest.raises(ValidationError) as exc:
        services.emergency_access_review(
            grant=grant,
            reviewer=supervisor,
            outcome=ReviewOutcome.QUESTIONED,
            comment="  ",
            origin=make_origin(supervisor),
        )
    assert exc.value.error_dict["comment"][0].code == "comment_required"
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_only_the_clients_team_supervisor_reviews(grant, people):
    assert answers(access.can_review_emergency_access, people, grant) == only({"supervisor"})
    with pytest.raises(PermissionDenied):
        services.emergency_access_review(
            grant=grant,
            reviewer=people["outside_supervisor"],
            outcome=ReviewOutcome.ACCEPTED,
            comment="",
            origin=make_origin(people["outside_supervisor"]),
        )


# --- Read-only access through the querysets ------------------------------------------------


def test_a_grant_opens_reading_only(grant, outsider, team_client):
    assert team_client in access.readable_clients(outsider)
    assert team_client not in access.visible_clients(outsider)
    assert access.active_grant(outsider, team_client) == grant


def test_the_active_grant_is_found_by_client_or_pk_and_the_latest_wins(
    grant, outsider, team_client
):
    later = EmergencyAccess.objects.create(
        user=outsider,
        client=team_client,
        reason=REASON,
        expires_at=grant.expires_at + timedelta(hours=1),
    )
    assert access.active_grant(outsider, team_client) == later
    assert access.active_grant(outsider, team_client.pk) == later
    # Only the user's own grant, and only to that client.
    colleague = UserFactory(role=Role.PROFESSIONAL, teams=list(outsider.teams.all()))
    assert access.active_grant(colleague, team_client) is None
    assert access.active_grant(outsider, ClientFactory(team=team_client.team)) is None


def test_an_expired_grant_opens_nothing(grant, outsider, team_client):
    EmergencyAccess.objects.filter(pk=grant.pk).update(
        granted_at=timezone.now() - timedelta(hours=5),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert team_client not in access.readable_clients(outsider)
    assert access.active_grant(outsider, team_client) is None


def test_a_grant_is_for_its_user_and_client(grant, outside_supervisor, outsider, other_team):
    assert not access.readable_clients(outside_supervisor).filter(pk=grant.client_id).exists()
    other = ClientFactory(team=grant.client.team)
    assert other not in access.readable_clients(outsider)


# --- Pages -------------------------------------------------------------------------------


def test_emergency_page_opens_the_record_with_a_banner(client, outsider, team_client):
    client.force_login(outsider)
    assert client.get(team_client.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("outreach:emergency-access"), {"code": team_client.code, "reason": REASON}
    )
    assert response.status_code == 302
    assert response["Location"] == team_client.get_absolute_url()
    page = client.get(team_client.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "alert emergency" in html and team_client.family_name in html
    # No edit form is offered under the grant.
    assert reverse("outreach:client-update", args=[team_client.pk]) not in html
    assert reverse("outreach:contact-create", args=[team_client.pk]) not in html
    event = AuditEvent.objects.filter(action="client.view", actor=outsider).get()
    assert event.detail["emergency"] is True


def test_team_reads_are_not_flagged(client, worker, team_client):
    client.force_login(worker)
    html = client.get(team_client.get_absolute_url()).content.decode()
    assert "alert emergency" not in html
    assert AuditEvent.objects.get(action="client.view").detail == {}


def test_short_reason_or_unknown_code_opens_nothing(client, outsider, team_client):
    client.force_login(outsider)
    url = reverse("outreach:emergency-access")
    response = client.post(url, {"code": team_client.code, "reason": "need it"})
    assert response.status_code == 400
    assert "at least 20 characters" in response.content.decode()
    response = client.post(url, {"code": "NOPE-0000", "reason": REASON})
    assert response.status_code == 400
    assert not EmergencyAccess.objects.exists()


def test_own_team_code_is_sent_to_the_usual_record(client, worker, team_client):
    client.force_login(worker)
    response = client.post(
        reverse("outreach:emergency-access"), {"code": team_client.code, "reason": REASON}
    )
    assert response.status_code == 400
    assert not EmergencyAccess.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "partner", "admin", "dpo"])
def test_emergency_page_is_for_team_staff_only(role, client, users_by_role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("outreach:emergency-access")).status_code == 404


def test_404_does_not_tell_whether_the_client_exists(client, outsider, team_client):
    client.force_login(outsider)
    existing = client.get(team_client.get_absolute_url())
    missing = client.get(f"/clients/{team_client.pk + 100000}/")
    assert existing.status_code == missing.status_code == 404

    # The same page, word for word, and it offers the emergency page for both alike.
    def page(response):  # the CSRF token differs on every response, the language form's
        # "next" is the address asked for
        html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        # and the time the page was served (the offline copy's age is read from it)
        html = re.sub(rb'name="outreach-served-at" content="[^"]+"', b"", html)
        return html.replace(response.request["PATH_INFO"].encode(), b"PATH")

    assert page(existing) == page(missing)
    assert team_client.code.encode() not in existing.content
    assert reverse("outreach:emergency-access").encode() in existing.content


# Pages that change nothing and that an emergency grant opens.
READABLE_UNDER_GRANT = {
    "clients/<int:pk>/",
    "careplans/clients/<int:client_pk>/summary/",
    "careplans/plans/<int:plan_pk>/",
    # In a crisis another team needs the risk plan and who the guardian is; complaints stay
    # with the team.
    "clients/<int:client_pk>/risk/",
    "clients/<int:client_pk>/decisions/",
}


@pytest.mark.parametrize(("route", "url_name"), [r for r in ROUTES if PARAM.search(r.values[0])])
def test_a_grant_opens_no_form_and_no_write(
    route, url_name, client, outsider, team_client, grant, request
):
    """Every route about the client: only the read pages open; no form, no write passes."""
    url = _fill(route, url_name, request)
    client.force_login(outsider)
    changes = AuditEvent.objects.filter(report.change_q())
    before = changes.count()
    response = client.get(url)
    if route in READABLE_UNDER_GRANT:
        assert response.status_code == 200, url
    else:
        assert response.status_code in (404, 405), f"GET {url}: {response.status_code}"
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code in (403, 404, 405), f"{method} {url}: {response.status_code}"
    response = client.post(url, {"note": "x", "reason": REASON})
    assert response.status_code in (403, 404, 405), f"form POST {url}: {response.status_code}"
    assert changes.count() == before


def test_review_pages(client, supervisor, grant, outsider, team_client):
    client.force_login(outsider)
    client.get(team_client.get_absolute_url())
    client.force_login(supervisor)
    home = client.get(reverse("outreach:team-caseload")).content.decode()
    assert "Emergency access waiting for your review" in home
    assert re.search(r"Emergency reviews <span class=\"badge danger\"[^>]*>1</span>", home)
    page = client.get(reverse("outreach:emergency-review", args=[grant.pk]))
    assert page.status_code == 200
    assert REASON in page.content.decode()
    assert "client.view" in page.content.decode()  # what was opened under the grant
    response = client.post(
        reverse("outreach:emergency-review", args=[grant.pk]),
        {"outcome": "questioned", "comment": ""},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("outreach:emergency-review", args=[grant.pk]),
        {"outcome": "accepted", "comment": "Night crisis call, right to look."},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.outcome == "accepted"
    home = client.get(reverse("outreach:team-caseload")).content.decode()
    assert "Emergency access waiting for your review" not in home


@pytest.mark.parametrize("role", ["outside_supervisor", "worker", "outsider", "dpo", "admin"])
def test_others_cannot_review(role, client, users_by_role, grant):
    client.force_login(users_by_role[role])
    url = reverse("outreach:emergency-review", args=[grant.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "accepted"}).status_code == 404
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_review_list_queries_do_not_grow(
    client, supervisor, team, other_team, django_assert_num_queries
):
    def grant_some(n):
        for _ in range(n):
            user = UserFactory(role=Role.PROFESSIONAL, teams=[other_team])
            c = ClientFactory(team=team)
            services.emergency_access_grant(
                user=user, client=c, reason=REASON, origin=make_origin(user)
            )

    grant_some(2)
    client.force_login(supervisor)
    client.get(reverse("outreach:emergency-reviews"))
    # session, user, pending (+user, client), reviewed, audit inserts, menu count, session save (3)
    with django_assert_num_queries(9) as first:
        client.get(reverse("outreach:emergency-reviews"))
    grant_some(10)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("outreach:emergency-reviews"))
    assert len(response.context["pending"]) == 12


def test_the_care_plan_opens_read_only_under_the_grant(client, outsider, grant, request):
    plan_pk = request.getfixturevalue("route_param_plan_pk")
    client.force_login(outsider)
    summary = client.get(reverse("careplans:client-summary", args=[grant.client_id]))
    assert reverse("careplans:careplan-detail", args=[plan_pk]) in summary.content.decode()
    page = client.get(reverse("careplans:careplan-detail", args=[plan_pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "alert emergency" in html
    assert reverse("careplans:careplan-update", args=[plan_pk]) not in html
    assert reverse("careplans:crisis-sheet", args=[plan_pk]) not in html
    event = AuditEvent.objects.get(action="careplan.view", actor=outsider)
    assert event.detail["emergency"] is True and event.detail["grant"] == grant.pk


def test_contact_of_the_record_shows_under_the_grant(client, outsider, team_client, worker, grant):
    ContactFactory(client=team_client, author=worker, note="Met at the shelter")
    client.force_login(outsider)
    response = client.get(team_client.get_absolute_url())
    assert len(response.context["timeline"]) == 1
