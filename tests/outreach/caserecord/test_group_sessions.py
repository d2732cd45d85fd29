"""A group session is recorded once and counts as a contact for each attendee."""

from __future__ import annotations

from django.urls import reverse

from outreach.models import SEEN_CONTACT, AuditEvent, Contact, GroupSession
from tests.factories import ClientFactory


def test_group_session_counted_per_attendee(
    client, post_event, team_client, team, moment_ago, worker, peer
):
    others = [ClientFactory(team=team, given_name=f"Attendee{i}") for i in range(2)]
    response = post_event(
        "groupsession-create",
        {
            "title": "Cooking group",
            "started_at": moment_ago(hours=3),
            "duration_minutes": 90,
            "location": "other_service",
            "attendees": [team_client.pk, *(c.pk for c in others)],
            "staff": [worker.pk, peer.pk],
        },
    )
    assert response.status_code == 302
    session = GroupSession.objects.get()
    contacts = Contact.objects.filter(group_session=session)
    assert contacts.count() == 3
    assert {c.client_id for c in contacts} == {team_client.pk, *(c.pk for c in others)}
    # Each attendee has one seen contact of 90 minutes, with both workers present.
    for attendee in [team_client, *others]:
        seen = Contact.objects.filter(SEEN_CONTACT, client=attendee)
        assert seen.count() == 1 and seen.get().duration_minutes == 90
        assert set(seen.get().staff.all()) == {worker, peer}
        assert AuditEvent.objects.filter(action="contact.create", client=attendee).exists()
    client.force_login(worker)
    assert "Cooking group" in client.get(others[0].get_absolute_url()).content.decode()


def test_only_the_teams_clients_are_offered(
    client, post_event, team_client, other_team, moment_ago, worker
):
    stranger = ClientFactory(team=other_team, given_name="Stranger")
    client.force_login(worker)
    form = client.get(
        reverse("outreach:groupsession-create", args=[team_client.pk])
    ).content.decode()
    assert "Stranger" not in form
    response = post_event(
        "groupsession-create",
        {
            "title": "Walk",
            "started_at": moment_ago(hours=1),
            "duration_minutes": 60,
            "location": "street",
            "attendees": [team_client.pk, stranger.pk],
        },
    )
    assert response.status_code == 400
    assert not GroupSession.objects.exists() and not Contact.objects.exists()


def test_group_session_invalid_cases(post_event, team_client, moment_ago):
    base = {"title": "Walk", "duration_minutes": 60, "location": "street"}
    future = post_event(
        "groupsession-create",
        {**base, "started_at": moment_ago(hours=-2), "attendees": [team_client.pk]},
    )
    assert future.status_code == 400
    nobody = post_event("groupsession-create", {**base, "started_at": moment_ago(hours=2)})
    assert nobody.status_code == 400
    too_long = post_event(
        "groupsession-create",
        {
            **base,
            "duration_minutes": 2000,
            "started_at": moment_ago(hours=2),
            "attendees": [team_client.pk],
        },
    )
    assert too_long.status_code == 400
    assert not GroupSession.objects.exists() and not Contact.objects.exists()
