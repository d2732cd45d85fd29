"""Staff of a contact or event: an active worker or supervisor of the client's team (outreach/staff.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.caserecord import services as event_services
from outreach.models import (
    AuditEvent,
    CaseConference,
    Contact,
    Crisis,
    Debrief,
    GroupSession,
    Role,
    User,
)
from outreach.staff import check_team_staff, team_staff
from tests.factories import ContactFactory, UserFactory, make_origin
from tests.outreach.caserecord.factories import CoerciveMeasureFactory


@pytest.fixture
def inactive(team):
    return UserFactory(teams=[team], is_active=False)


def test_team_staff_are_the_active_workers_and_supervisors_of_the_team(
    team, worker, peer, supervisor, outsider, inactive
):
    coordinator_in_team = UserFactory(role=Role.COORDINATOR, teams=[team])
    assert set(team_staff(team)) == {worker, peer, supervisor}
    assert set(team_staff(team.pk)) == {worker, peer, supervisor}
    for user in (outsider, inactive, coordinator_in_team):
        assert user not in team_staff(team)
        with pytest.raises(ValidationError) as exc:
            check_team_staff(team, [worker, user])
        assert exc.value.error_dict["staff"][0].code == "staff_not_in_team"
    assert check_team_staff(team, [worker, peer]) == [worker, peer]


def _contact_log(team_client, worker, staff: User) -> None:
    services.contact_log(
        client=team_client,
        author=worker,
        origin=make_origin(worker),
        started_at=timezone.now() - timedelta(hours=1),
        duration_minutes=30,
        mode="phone",
        outcome="met",
        staff=[worker, staff],
    )


def _contact_update(team_client, worker, staff: User) -> None:
    contact = Contact.objects.get(client=team_client)
    services.contact_update(
        contact=contact, actor=worker, staff=[worker, staff], origin=make_origin(worker)
    )


def _debrief(team_client, worker, staff: User) -> None:
    measure = CoerciveMeasureFactory(client=team_client)
    event_services.debrief_complete(
        measure=measure,
        actor=worker,
        origin=make_origin(worker),
        done_on=timezone.localdate(),
        done_by=staff,
        what_should_change="x",
    )


def _crisis(team_client, worker, staff: User) -> None:
    event_services.crisis_save(
        client=team_client,
        actor=worker,
        origin=make_origin(worker),
        crisis=Crisis(reported_at=timezone.now() - timedelta(hours=1)),
        mobilised_staff=[worker, staff],
    )


def _conference(team_client, worker, staff: User) -> None:
    event_services.case_conference_record(
        client=team_client,
        actor=worker,
        origin=make_origin(worker),
        conference=CaseConference(held_on=timezone.localdate(), decisions="x"),
        staff=[worker, staff],
    )


def _group_session(team_client, worker, staff: User) -> None:
    event_services.group_session_record(
        team=team_client.team,
        actor=worker,
        origin=make_origin(worker),
        title="Walk",
        started_at=timezone.now() - timedelta(hours=1),
        duration_minutes=60,
        location="other",
        attendees=[team_client],
        staff=[worker, staff],
    )


SERVICES: dict[str, tuple[Callable, str]] = {
    "contact": (_contact_log, "staff"),
    "contact-update": (_contact_update, "staff"),
    "debrief": (_debrief, "done_by"),
    "crisis": (_crisis, "mobilised_staff"),
    "conference": (_conference, "staff"),
    "group-session": (_group_session, "staff"),
}


@pytest.mark.parametrize("who", ["other_team", "inactive"])
@pytest.mark.parametrize("service", SERVICES)
def test_services_refuse_staff_who_are_not_active_members_of_the_team(
    service, who, team_client, worker, outsider, inactive
):
    call, field = SERVICES[service]
    staff = outsider if who == "other_team" else inactive
    ContactFactory(client=team_client, author=worker).staff.set([worker])
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        call(team_client, worker, staff)
    assert exc.value.error_dict[field][0].code == "staff_not_in_team"
    assert list(Contact.objects.get().staff.all()) == [worker]
    for model in (Crisis, CaseConference, GroupSession, Debrief):
        assert not model.objects.exists()
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize("service", SERVICES)
def test_services_accept_active_members_of_the_team(service, team_client, worker, peer):
    call, __ = SERVICES[service]
    ContactFactory(client=team_client, author=worker)
    call(team_client, worker, peer)
    recorded = (
        peer.contacts_present.exists()
        or peer.crises_mobilised.exists()
        or peer.case_conferences.exists()
        or Debrief.objects.filter(done_by=peer).exists()
    )
    assert recorded


def test_page_offers_and_api_accepts_only_the_team_staff(
    client, worker, peer, outsider, inactive, team_client
):
    client.force_login(worker)
    url = reverse("outreach:contact-create", args=[team_client.pk])
    form = client.get(url).content.decode()
    assert peer.last_name in form
    assert outsider.last_name not in form and inactive.last_name not in form
    payload = {
        "client": team_client.pk,
        "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "duration_minutes": 30,
        "mode": "phone",
        "outcome": "met",
    }
    for staff in (outsider, inactive):
        page = client.post(
            url,
            {
                "started_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "mode": "phone",
                "outcome": "met",
                "duration_minutes": 30,
                "staff": [staff.pk],
            },
        )
        api = client.post(
            "/api/v1/contacts/", {**payload, "staff": [staff.pk]}, content_type="application/json"
        )
        assert page.status_code == 400 and "staff" in page.context["form"].errors
        assert api.status_code == 400 and "staff" in api.json()
    assert not Contact.objects.exists()
    ok = client.post(
        "/api/v1/contacts/", {**payload, "staff": [peer.pk]}, content_type="application/json"
    )
    assert ok.status_code == 201
    assert list(Contact.objects.get().staff.all()) == [peer]


def _api_contact(client, team_client, staff_ids):
    return client.post(
        "/api/v1/contacts/",
        {
            "client": team_client.pk,
            "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "duration_minutes": 30,
            "mode": "phone",
            "outcome": "met",
            "staff": staff_ids,
        },
        content_type="application/json",
    )


def _names(user: User) -> list[str]:
    return [user.first_name, user.last_name, user.get_full_name(), user.username]


def test_contact_api_names_no_user_and_refuses_another_teams_like_an_unknown_id(
    client, worker, peer, outsider, inactive, team_client
):
    """Issue 11: the staff field lists only the client's team; an error never names a user."""
    outsider.first_name, outsider.last_name = "Secret", "Person"
    outsider.save()
    unknown = User.objects.order_by("-pk").first().pk + 1000
    client.force_login(worker)
    answers = {}
    for label, user_id in (
        ("other_team", outsider.pk),
        ("inactive", inactive.pk),
        ("unknown", unknown),
    ):
        response = _api_contact(client, team_client, [user_id])
        assert response.status_code == 400
        body = response.content.decode()
        for user in (outsider, inactive):
            assert not any(name in body for name in _names(user)), (label, body)
        answers[label] = body.replace(str(user_id), "<id>")
    assert answers["other_team"] == answers["unknown"] == answers["inactive"]
    assert "Invalid pk" in answers["unknown"]
    assert not Contact.objects.exists()
    assert _api_contact(client, team_client, [peer.pk]).status_code == 201
    assert list(Contact.objects.get().staff.all()) == [peer]


def test_contact_api_of_another_teams_client_is_a_404_whatever_the_staff(
    client, outsider, worker, team_client
):
    client.force_login(outsider)
    assert _api_contact(client, team_client, [worker.pk]).status_code == 404
    assert _api_contact(client, team_client, [outsider.pk]).status_code == 404
    assert not Contact.objects.exists()


def test_schema_says_staff_are_the_clients_team(client, worker):
    client.force_login(worker)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    staff = schema["components"]["schemas"]["ContactIn"]["properties"]["staff"]
    assert staff["type"] == "array" and staff["items"]["type"] == "integer"
    assert "client's team" in staff["description"]


def test_the_staff_rule_names_nobody(team, worker, outsider):
    with pytest.raises(ValidationError) as exc:
        check_team_staff(team, [worker, outsider])
    message = " ".join(exc.value.message_dict["staff"])
    assert not any(name and name in message for name in _names(outsider))
