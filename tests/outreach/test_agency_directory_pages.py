"""The agency directory page: the coordinator of a municipality lists, adds, corrects and stops
offering its agencies; every change is audited; anyone else, and another municipality's agency,
is a 404. The teams then choose the agencies offered when they record a request."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from outreach.agencies import services
from outreach.caserecord import services as event_services
from outreach.models import Agency, AgencyRequest, AuditEvent, Municipality, Role
from tests import db_state
from tests.factories import ClientFactory, TeamFactory, UserFactory, make_origin

pytestmark = pytest.mark.django_db

LIST = reverse("outreach:agency-list")
NEW = reverse("outreach:agency-create")


@pytest.fixture
def elsewhere():
    return Municipality.objects.create(name="Varna", slug="varna")


@pytest.fixture
def theirs(elsewhere):
    return Agency.objects.create(municipality=elsewhere, name="Varna housing", kind="housing")


@pytest.fixture
def ours(municipality):
    return Agency.objects.create(municipality=municipality, name="Labour office", kind="employment")


def _edit(pk: int) -> str:
    return reverse("outreach:agency-update", args=[pk])


def _active(pk: int) -> str:
    return reverse("outreach:agency-active", args=[pk])


# --- Through the pages ---------------------------------------------------------------------------


def test_the_coordinator_adds_an_agency_to_the_directory_of_their_municipality(
    client, coordinator, municipality
):
    client.force_login(coordinator)
    assert client.get(NEW).status_code == 200
    response = client.post(
        NEW,
        {"name": "  Social  assistance  directorate ", "kind": "social_assistance", "active": "on"},
    )
    assert response.status_code == 302 and response["Location"] == LIST
    agency = Agency.objects.get()
    assert (agency.municipality, agency.name, agency.kind, agency.active) == (
        municipality,
        "Social assistance directorate",
        "social_assistance",
        True,
    )
    event = AuditEvent.objects.get(action="agency.create")
    assert (event.actor, event.object_id, event.client_id) == (coordinator, str(agency.pk), None)
    page = client.get(LIST).content.decode()
    assert "Social assistance directorate" in page


def test_the_list_shows_the_agencies_by_kind_and_those_no_longer_offered_apart(
    client, coordinator, ours, theirs, municipality, team, django_assert_num_queries
):
    Agency.objects.create(municipality=municipality, name="Old clinic", kind="health", active=False)
    AgencyRequest.objects.create(
        client=ClientFactory(team=team),
        agency=ours.name,
        listed_agency=ours,
        sent_on=date(2026, 1, 5),
    )
    client.force_login(coordinator)
    client.get(LIST)  # the session and the menu's first questions
    with django_assert_num_queries(7):
        response = client.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Labour office" in page and "1 request" in page and "Employment" in page
    offered, _sep, inactive = page.partition("No longer offered</h2>")
    assert "Old clinic" in inactive and "Old clinic" not in offered
    assert "Varna housing" not in page


def test_the_list_costs_the_same_queries_for_many_agencies(
    client, coordinator, municipality, django_assert_num_queries
):
    for i in range(12):
        Agency.objects.create(
            municipality=municipality, name=f"Agency {i}", kind="other", active=i % 3 > 0
        )
    client.force_login(coordinator)
    client.get(LIST)
    with django_assert_num_queries(7):
        assert client.get(LIST).status_code == 200


def test_the_coordinator_corrects_the_kind_and_the_change_is_audited(client, coordinator, ours):
    client.force_login(coordinator)
    response = client.post(
        _edit(ours.pk), {"name": "Labour office", "kind": "benefits_and_documents", "active": "on"}
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.kind == "benefits_and_documents"
    event = AuditEvent.objects.get(action="agency.update")
    assert event.detail["changes"]["kind"]["old"] in ("employment", "Employment")
    assert event.detail["changes"]["kind"]["new"] in (
        "benefits_and_documents",
        "Benefits and documents",
    )


def test_deactivating_keeps_past_requests_and_takes_the_agency_off_the_request_form(
    client, coordinator, worker, ours, team
):
    patient = ClientFactory(team=team)
    past = AgencyRequest.objects.create(
        client=patient, agency=ours.name, listed_agency=ours, sent_on=date(2026, 1, 5)
    )
    client.force_login(coordinator)
    assert client.post(_active(ours.pk), {"active": "0"}).status_code == 302
    ours.refresh_from_db()
    assert not ours.active
    assert AuditEvent.objects.filter(action="agency.deactivate", object_id=str(ours.pk)).exists()
    past.refresh_from_db()
    assert past.listed_agency == ours
    client.force_login(worker)
    form = client.get(reverse("outreach:agencyrequest-create", args=[patient.pk])).content.decode()
    assert f'value="{ours.pk}"' not in form
    client.force_login(coordinator)
    assert client.post(_active(ours.pk), {"active": "1"}).status_code == 302
    ours.refresh_from_db()
    assert ours.active
    assert AuditEvent.objects.filter(action="agency.reactivate").count() == 1


def test_a_duplicate_name_is_refused_with_a_message_and_nothing_is_written(
    client, coordinator, ours
):
    client.force_login(coordinator)
    before = db_state.writes()
    response = client.post(NEW, {"name": "labour OFFICE", "kind": "health"})
    assert response.status_code == 400
    assert "already in the directory" in response.content.decode()
    assert not db_state.changes(before, db_state.writes())
    assert Agency.objects.count() == 1


def test_a_kind_outside_the_list_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(NEW, {"name": "Somewhere", "kind": "church"})
    assert response.status_code == 400
    assert not Agency.objects.exists()


def test_another_municipalitys_agency_is_404_for_the_coordinator_and_left_as_it_was(
    client, coordinator, theirs
):
    client.force_login(coordinator)
    before = db_state.writes()
    assert client.get(_edit(theirs.pk)).status_code == 404
    assert client.post(_edit(theirs.pk), {"name": "Mine now", "kind": "other"}).status_code == 404
    assert client.post(_active(theirs.pk), {"active": "0"}).status_code == 404
    assert not db_state.changes(before, db_state.writes())
    theirs.refresh_from_db()
    assert (theirs.name, theirs.active) == ("Varna housing", True)


@pytest.mark.parametrize("role", ["worker", "peer", "supervisor", "partner", "admin", "dpo"])
def test_only_coordinators_keep_the_directory(client, users_by_role, role, ours):
    client.force_login(users_by_role[role])
    assert client.get(LIST).status_code == 404
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, {"name": "X", "kind": "other"}).status_code == 404
    assert client.get(_edit(ours.pk)).status_code == 404
    assert client.post(_active(ours.pk), {"active": "0"}).status_code == 404
    assert Agency.objects.count() == 1 and Agency.objects.get().active


def test_a_coordinator_without_a_municipality_has_no_directory(client):
    client.force_login(UserFactory(role=Role.COORDINATOR, municipality=None))
    assert client.get(LIST).status_code == 404
    assert client.post(NEW, {"name": "X", "kind": "other"}).status_code == 404
    assert not Agency.objects.exists()


def test_the_menu_links_the_directory_for_coordinators_only(client, coordinator, supervisor):
    client.force_login(coordinator)
    assert f'href="{LIST}"' in client.get(reverse("referrals:referral-list")).content.decode()
    client.force_login(supervisor)
    assert f'href="{LIST}"' not in client.get(reverse("outreach:team-caseload")).content.decode()


def test_the_supervisor_records_a_request_to_an_agency_of_the_directory(
    client, supervisor, team, ours
):
    patient = ClientFactory(team=team)
    client.force_login(supervisor)
    url = reverse("outreach:agencyrequest-create", args=[patient.pk])
    assert f'value="{ours.pk}"' in client.get(url).content.decode()
    response = client.post(
        url, {"listed_agency": ours.pk, "request": "registration", "sent_on": "2026-01-05"}
    )
    assert response.status_code == 302
    assert AgencyRequest.objects.get().listed_agency == ours


# --- The services --------------------------------------------------------------------------------


def test_the_service_puts_a_new_agency_in_the_actors_municipality(coordinator, elsewhere):
    agency = services.agency_save(
        actor=coordinator,
        agency=Agency(municipality=elsewhere, name="Shelter", kind="housing"),
        origin=make_origin(coordinator),
    )
    assert agency.municipality_id == coordinator.municipality_id


def test_the_service_refuses_anyone_but_the_coordinator_of_the_agencys_municipality(
    coordinator, supervisor, theirs, ours
):
    with pytest.raises(PermissionDenied):
        services.agency_save(actor=coordinator, agency=theirs, origin=make_origin(coordinator))
    with pytest.raises(PermissionDenied):
        services.agency_set_active(
            actor=coordinator, agency=theirs, active=False, origin=make_origin(coordinator)
        )
    with pytest.raises(PermissionDenied):
        services.agency_set_active(
            actor=supervisor, agency=ours, active=False, origin=make_origin(supervisor)
        )
    with pytest.raises(PermissionDenied):
        services.agency_save(
            actor=supervisor,
            agency=Agency(name="Shelter", kind="housing"),
            origin=make_origin(supervisor),
        )
    assert not AuditEvent.objects.exists()
    assert Agency.objects.filter(active=True).count() == 2


def test_the_service_refuses_a_duplicate_name_ignoring_case_and_spaces(coordinator, ours):
    with pytest.raises(ValidationError) as excinfo:
        services.agency_save(
            actor=coordinator,
            agency=Agency(name=" labour   office", kind="health"),
            origin=make_origin(coordinator),
        )
    assert "name" in excinfo.value.message_dict
    assert Agency.objects.count() == 1 and not AuditEvent.objects.exists()


def test_the_same_name_may_be_in_two_municipalities(coordinator, theirs):
    services.agency_save(
        actor=coordinator,
        agency=Agency(name="Varna housing", kind="housing"),
        origin=make_origin(coordinator),
    )
    assert Agency.objects.filter(name="Varna housing").count() == 2


def test_a_request_may_not_name_an_agency_no_longer_offered(worker, team, ours):
    ours.active = False
    ours.save()
    with pytest.raises(ValidationError) as excinfo:
        event_services.agency_request_save(
            client=ClientFactory(team=team),
            actor=worker,
            agency_request=AgencyRequest(listed_agency=ours, request="x", sent_on=date(2026, 1, 5)),
            origin=make_origin(worker),
        )
    assert "listed_agency" in excinfo.value.message_dict
    assert not AgencyRequest.objects.exists()


def test_a_past_request_keeps_its_agency_no_longer_offered_when_corrected(worker, team, ours):
    patient = ClientFactory(team=team)
    past = AgencyRequest.objects.create(
        client=patient, agency=ours.name, listed_agency=ours, request="x", sent_on=date(2026, 1, 5)
    )
    ours.active = False
    ours.save()
    past.outcome = "answered by phone"
    event_services.agency_request_save(
        client=patient, actor=worker, agency_request=past, origin=make_origin(worker)
    )
    past.refresh_from_db()
    assert (past.listed_agency, past.outcome) == (ours, "answered by phone")


def test_another_teams_coordinator_of_the_same_municipality_sees_the_same_directory(
    client, municipality, ours
):
    """The directory is the municipality's, whatever team a request comes from."""
    other_team = TeamFactory(municipality=municipality, name="Team East", slug="east")
    patient = ClientFactory(team=other_team)
    worker = UserFactory(role=Role.PROFESSIONAL)
    worker.teams.add(other_team)
    client.force_login(worker)
    page = client.get(reverse("outreach:agencyrequest-create", args=[patient.pk])).content.decode()
    assert f'value="{ours.pk}"' in page
