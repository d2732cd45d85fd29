"""The questions of `outreach.access`, asked directly about every role, inactive and anonymous."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from outreach import access
from outreach.context_processors import CoreQuestions, Questions, ask, core_access
from outreach.models import AuditEvent, Contact, Municipality, PlannedVisit, Role
from tests.access_people import SUPERVISORS, TEAM_STAFF, WORKERS, answers, only, people
from tests.factories import ClientFactory, ContactFactory, TeamFactory, UserFactory

__all__ = ["people"]  # the fixture


@pytest.mark.parametrize(
    ("question", "true_for"),
    [
        (access.works_in_team, TEAM_STAFF),
        (access.works_in_tandem, WORKERS),
        (access.sees_team_caseload, TEAM_STAFF),
        (access.can_open_record, TEAM_STAFF),
        (access.can_view_audit_trail, SUPERVISORS),
        (access.sees_team_access_changes, SUPERVISORS),
        (access.can_administer, {"admin"}),
        (access.can_request_emergency_access, TEAM_STAFF),
        (access.sees_emergency_reviews, SUPERVISORS),
        (access.sees_access_report, SUPERVISORS | {"dpo"}),
        (access.is_data_protection_officer, {"dpo"}),
        (access.sees_open_complaints, SUPERVISORS),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_who_gets_yes(people, question, true_for):
    assert answers(question, people) == only(true_for)


def test_start_page_of_each_role(people):
    pages = {name: access.start_page(people[name]) for name in people}
    assert pages == {
        "worker": "indicators:my-work",
        "peer": "indicators:my-work",
        "outsider": "indicators:my-work",
        "supervisor": "outreach:team-caseload",
        "outside_supervisor": "outreach:team-caseload",
        "coordinator": "referrals:referral-list",
        "dpo": "outreach:access-report",
        "partner": "referrals:referral-list",
        "admin": "admin:index",
        "inactive_worker": None,
        "inactive_supervisor": None,
        "inactive_coordinator": None,
        "inactive_admin": None,
        "anonymous": None,
    }


def test_is_in_tandem_only_for_the_clients_two_workers(people, team_client):
    assert answers(access.is_in_tandem, people, team_client) == only({"worker", "peer"})
    people["worker"].is_active = False
    assert not access.is_in_tandem(people["worker"], team_client)


def test_can_manage_team_only_for_its_supervisors(people, team, other_team):
    assert answers(access.can_manage_team, people, team) == only({"supervisor"})
    assert answers(access.can_manage_team, people, other_team) == only({"outside_supervisor"})


def test_only_the_author_edits_a_contact(people, team_client):
    contact = ContactFactory(client=team_client, author=people["worker"])
    assert answers(access.can_edit_contact, people, contact) == only({"worker"})
    people["worker"].is_active = False
    assert not access.can_edit_contact(people["worker"], contact)


def test_visible_clients_and_teams_are_the_team_staffs_own(people, team, other_team, team_client):
    elsewhere = ClientFactory(team=other_team)
    clients = {name: set(access.visible_clients(people[name])) for name in people}
    teams = {name: set(access.visible_teams(people[name])) for name in people}
    for name in people:
        if name in {"worker", "peer", "supervisor"}:
            assert clients[name] == {team_client} and teams[name] == {team}, name
        elif name in {"outsider", "outside_supervisor"}:
            assert clients[name] == {elsewhere} and teams[name] == {other_team}, name
        else:
            assert clients[name] == set() and teams[name] == set(), name


def test_scoped_limits_rows_to_visible_clients(people, team_client, other_team):
    mine = ContactFactory(client=team_client)
    theirs = ContactFactory(client=ClientFactory(team=other_team))
    seen = {
        name: set(access.scoped(Contact.objects.all(), people[name], via="client"))
        for name in people
    }
    for name, rows in seen.items():
        if name in {"worker", "peer", "supervisor"}:
            assert rows == {mine}, name
        elif name in {"outsider", "outside_supervisor"}:
            assert rows == {theirs}, name
        else:
            assert rows == set(), name


def test_team_workers_are_its_active_workers_and_supervisors(people, team):
    coordinator_in_team = UserFactory(role=Role.COORDINATOR, teams=[team])
    assert set(access.team_workers(team)) == {
        people["worker"],
        people["peer"],
        people["supervisor"],
    }
    assert coordinator_in_team not in access.team_workers(team)


def test_visible_municipalities(people, municipality, other_team):
    elsewhere = Municipality.objects.create(name="Plovdiv", slug="plovdiv")
    UserFactory(role=Role.SUPERVISOR, teams=[TeamFactory(municipality=elsewhere)])
    seen = {name: set(access.visible_municipalities(people[name])) for name in people}
    assert seen == {
        name: {municipality}
        if name in {"supervisor", "outside_supervisor", "coordinator"}
        else set()
        for name in people
    }


def test_only_another_administrator_changes_access(people):
    target = people["worker"]
    assert answers(access.can_change_access, people, target) == only({"admin"})
    admin = people["admin"]
    assert not access.can_change_access(admin, admin)
    superuser = UserFactory(role=Role.PROFESSIONAL, is_superuser=True)
    assert access.can_change_access(superuser, target)


# --- Templates ask through the context processor -----------------------------------------------


def test_core_questions_are_asked_only_when_read(people):
    def explode():
        raise AssertionError("the user was read")

    request = HttpRequest()
    request.user = SimpleLazyObject(explode)
    context = core_access(request)  # a page that reads no question touches nothing
    assert isinstance(context["access"], CoreQuestions)


def test_a_question_is_answered_once_per_request(people):
    calls = []

    def spy(user) -> bool:
        calls.append(user)
        return True

    class Spied(Questions):
        asked = ask(spy)

    questions = Spied(people["worker"])
    assert questions.asked and questions.asked
    assert calls == [people["worker"]]
    assert Spied.names() == {"asked"}


def test_core_questions_for_anonymous_are_all_no():
    questions = CoreQuestions(AnonymousUser())
    assert not any(getattr(questions, name) for name in CoreQuestions.names())


MENU_LABELS = {
    "worker": ["My caseload", "Visits", "Team", "Find", "My referrals", "Emergency access"],
    "peer": ["My caseload", "Visits", "Team", "Find", "My referrals", "Emergency access"],
    "supervisor": [
        "Visits",
        "Team",
        "Find",
        "Emergency reviews",
        "Referrals",
        "Caseload review",
        "Reports",
        "Figures",
        "Access report",
        "Emergency access",
    ],
    "coordinator": ["Referrals", "Reports", "Figures", "Agencies"],
    "partner": ["My referrals"],
    "admin": [],
    "dpo": ["Access report"],
}


@pytest.mark.parametrize("role", list(MENU_LABELS))
def test_menu_of_each_role(people, role):
    """The same links as when base.html compared roles itself."""
    request = RequestFactory().get("/")
    request.user = people[role]
    html = render_to_string("base.html", request=request)
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    labels = re.findall(r"<li><a href=\"[^\"]+\">([^<]+)</a></li>", nav)
    assert labels == MENU_LABELS[role]


def test_administrators_start_in_the_admin(client, people):
    client.force_login(people["admin"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- Questions about one client record (found by the mutation run of outreach/access.py) -----


def test_only_the_clients_own_team_staff_write_its_record(people, team_client, other_team):
    assert answers(access.can_write_record, people, team_client) == only(
        {"worker", "peer", "supervisor"}
    )
    elsewhere = ClientFactory(team=other_team)
    assert answers(access.can_write_record, people, elsewhere) == only(
        {"outsider", "outside_supervisor"}
    )


def test_only_the_teams_supervisor_or_an_administrator_erases_a_client(people, team_client):
    assert answers(access.can_erase_client, people, team_client) == only({"supervisor", "admin"})


def test_only_the_teams_supervisor_or_the_tandem_exports_a_client(people, team_client):
    assert answers(access.can_export_client, people, team_client) == only(
        {"supervisor", "worker", "peer"}
    )


def test_only_an_open_visit_of_the_own_team_is_closed(people, team_client):
    visit = PlannedVisit.objects.create(
        client=team_client, planned_on=date(2026, 1, 5), purpose="Check-in"
    )
    assert answers(access.can_close_visit, people, visit) == only({"worker", "peer", "supervisor"})
    visit.status = PlannedVisit.Status.DONE
    assert answers(access.can_close_visit, people, visit) == only(set())


def test_client_for_request_returns_the_teams_client_and_audits_the_read(people, team_client):
    request = RequestFactory().get("/clients/")
    request.user = people["worker"]
    assert access.client_for_request(request, team_client.pk) == team_client
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.client_id) == (
        "client.view",
        people["worker"],
        team_client.pk,
    )
    assert (event.object_type, event.object_id) == ("outreach.client", str(team_client.pk))
    assert event.path == "/clients/"

    request.user = people["outsider"]
    with pytest.raises(Http404):
        access.client_for_request(request, team_client.pk)
    assert AuditEvent.objects.count() == 1


# --- Found by mutation testing (bench/MUTATION.md, 6 December) ------------------------------


def test_an_administrator_who_is_not_a_superuser_changes_access(people):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=False)
    assert access.can_change_access(admin, people["worker"])
    assert not access.can_change_access(admin, admin)


@pytest.mark.parametrize("required", [True, False])
def test_api_tokens_are_made_past_the_second_factor_only(people, settings, required):
    settings.OUTREACH_REQUIRE_2FA = required
    # Nobody here has passed the second factor (no is_verified() of a request).
    assert answers(access.can_manage_api_tokens, people) == only(
        {n for n in people if not n.startswith("inactive_") and n != "anonymous"}
        if not required
        else set()
    )
    for name, verified in (("worker", True), ("supervisor", False), ("inactive_worker", True)):
        user = people[name]
        user.is_verified = lambda verified=verified: verified
    assert access.can_manage_api_tokens(people["worker"])
    assert access.can_manage_api_tokens(people["supervisor"]) is (not required)
    assert not access.can_manage_api_tokens(people["inactive_worker"])


def test_managed_teams_are_the_teams_a_supervisor_supervises(people, team, other_team):
    managed = {name: set(access.managed_teams(people[name])) for name in people}
    assert managed["supervisor"] == {team}
    assert managed["outside_supervisor"] == {other_team}
    assert {name for name, teams in managed.items() if teams} == {
        "supervisor",
        "outside_supervisor",
    }


def test_emergency_grants_of_a_user_are_their_own(people, team_client):
    from outreach.emergency import services as emergency_services
    from tests.factories import make_origin

    reason = "Crisis call at night: I need the crisis plan to act on it now."
    grant = emergency_services.emergency_access_grant(
        user=people["outsider"], client=team_client, reason=reason, origin=make_origin()
    )
    mine = {name: list(access.emergency_access_of(people[name])) for name in people}
    assert mine["outsider"] == [grant]
    assert {name for name, grants in mine.items() if grants} == {"outsider"}


def test_a_read_of_a_record_is_audited_with_its_client_and_detail(people, team_client):
    contact = ContactFactory(client=team_client, author=people["worker"])
    request = RequestFactory().get(f"/clients/{team_client.pk}/contacts/{contact.pk}/edit/")
    request.user = people["worker"]
    access.audit_read(
        request, contact, action="contact.view", client=team_client, detail={"tab": "notes"}
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.client_id) == (
        "contact.view",
        people["worker"],
        team_client.pk,
    )
    assert (event.object_type, event.object_id) == ("outreach.contact", str(contact.pk))
    assert event.detail == {"tab": "notes"}
    # A target that does not lead to the client: the client given is the one kept.
    access.audit_read(request, team_client.team, action="team.view", client=team_client)
    assert AuditEvent.objects.get(action="team.view").client_id == team_client.pk


def test_emergency_access_is_asked_for_another_teams_client_by_team_staff_only(people, team_client):
    code = team_client.code
    found = answers(lambda user: access.emergency_access_target(user, code), people)
    # Staff of the other team find the client; its own team (who need no grant) and every
    # other role do not.
    assert found == only({"outsider", "outside_supervisor"})
    assert access.emergency_access_target(people["outsider"], f"  {code.lower()} ") == team_client
    assert access.emergency_access_target(people["outsider"], "  ") is None
