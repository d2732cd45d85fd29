from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import AuditEvent, SupportPerson
from tests.factories import ConsentFactory, ContactFactory, SupportPersonFactory


def test_client_page_shows_alerts_timeline_network_and_consents(client, worker, team_client):
    team_client.interpreter_needed = True
    team_client.interpreter_language = "Romani"
    team_client.save()
    SupportPersonFactory(
        client=team_client, name="Petar Ex", involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    SupportPersonFactory(client=team_client, name="Elena Sister")
    ConsentFactory(client=team_client, recipient="GP Dr. Petrova")
    ContactFactory(
        client=team_client,
        note="Talked about housing",
        started_at=timezone.now() - timedelta(hours=3),
    )
    client.force_login(worker)
    response = client.get(team_client.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Do not contact: Petar Ex" in body
    assert "Needs an interpreter: Romani" in body
    assert "Talked about housing" in body
    assert "Elena Sister" in body
    assert "GP Dr. Petrova" in body


def test_client_read_is_audited(client, worker, team_client):
    client.force_login(worker)
    client.get(team_client.get_absolute_url())
    event = AuditEvent.objects.get(action="client.view", client=team_client)
    assert event.actor == worker
    assert event.actor_role == "professional"
    assert event.object_type == "outreach.client"
    assert event.path == team_client.get_absolute_url()
    assert event.ip_address == "127.0.0.1"


def test_outsider_gets_404(client, outsider, team_client):
    client.force_login(outsider)
    assert client.get(team_client.get_absolute_url()).status_code == 404
    assert not AuditEvent.objects.filter(client=team_client).exists()


def test_supervisor_sees_the_audit_trail_worker_does_not(client, supervisor, worker, team_client):
    client.force_login(worker)
    client.get(team_client.get_absolute_url())
    assert client.get(f"/clients/{team_client.pk}/audit/").status_code == 404
    client.force_login(supervisor)
    response = client.get(f"/clients/{team_client.pk}/audit/")
    assert response.status_code == 200
    assert worker.username in response.content.decode()


@pytest.mark.parametrize("contacts", [1, 50])
def test_client_page_queries_do_not_grow(
    client, worker, team_client, contacts, django_assert_num_queries
):
    for i in range(contacts):
        c = ContactFactory(
            client=team_client, author=worker, started_at=timezone.now() - timedelta(days=i + 1)
        )
        c.staff.set([worker])
    SupportPersonFactory(client=team_client)
    ConsentFactory(client=team_client)
    client.force_login(worker)
    client.get(team_client.get_absolute_url())
    # session, user, client (+team, tandem and its two members), audit insert,
    # contacts (scoped by a subquery), staff prefetch, interventions prefetch,
    # the events of the case record (event_selectors.client_events: one query per kind of
    # event and per prefetch, whatever their number, and the discharge not followed up),
    # episodes, support people, consents, session save (savepoint, update, release);
    # risk and rights (safeguarding_selectors.client_safeguarding): risk versions, the risk
    # review clock (open episodes, reviews, crises, admissions), supported decisions,
    # guardianship statuses, complaints
    with django_assert_num_queries(34):
        response = client.get(team_client.get_absolute_url())
    assert len(response.context["timeline"]) == contacts
