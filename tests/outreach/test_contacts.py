from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import AuditEvent, Contact, Intervention
from tests.factories import ConsentFactory, ContactFactory, UserFactory, make_origin


def _post(client, team_client, **overrides):
    when = timezone.localtime() - timedelta(hours=1)
    data = {
        "started_at": when.strftime("%Y-%m-%dT%H:%M"),
        "mode": "face_to_face",
        "outcome": "met",
        "location": "street",
        "duration_minutes": "30",
        "staff": [team_client.tandem.professional_id],
        "note": "",
    }
    data.update(overrides)
    return client.post(f"/clients/{team_client.pk}/contacts/new/", data)


def test_form_has_sensible_defaults(client, worker, team_client):
    ContactFactory(client=team_client, location="client_home")
    client.force_login(worker)
    response = client.get(f"/clients/{team_client.pk}/contacts/new/")
    form = response.context["form"]
    assert form.initial["location"] == "client_home"  # the last location
    assert set(form.initial["staff"]) == {
        team_client.tandem.professional_id,
        team_client.tandem.peer_id,
    }
    assert abs((form.initial["started_at"] - timezone.now()).total_seconds()) < 120
    body = response.content.decode()
    assert 'type="datetime-local"' in body and "<label" in body


def test_worker_logs_a_contact(client, worker, team_client):
    client.force_login(worker)
    iv = Intervention.objects.get(code="documents")
    response = _post(
        client,
        team_client,
        interventions=[iv.pk],
        informal_support_present="on",
        note="ID card appointment",
    )
    assert response.status_code == 302
    contact = Contact.objects.get(client=team_client)
    assert contact.author == worker and contact.note == "ID card appointment"
    assert list(contact.interventions.all()) == [iv]
    assert contact.informal_support_present
    assert AuditEvent.objects.filter(
        action="contact.create", client=team_client, object_id=str(contact.pk)
    ).exists()


def test_failed_attempt_is_logged_without_location_for_phone(client, worker, team_client):
    client.force_login(worker)
    response = _post(
        client,
        team_client,
        mode="phone",
        outcome="not_met",
        failure_reason="no_answer",
        location="street",
    )
    assert response.status_code == 302
    contact = Contact.objects.get(client=team_client)
    assert contact.location == "" and contact.failure_reason == "no_answer"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"started_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
            "cannot be in the future",
        ),
        ({"duration_minutes": "1441"}, "1440"),
        ({"duration_minutes": "-5"}, "0"),
        ({"started_at": "yesterday"}, "Enter a valid date/time"),
        ({"mode": "telepathy"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(
    client, worker, team_client, overrides, message
):
    client.force_login(worker)
    response = _post(client, team_client, **overrides)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved" in body and message in body
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(action="contact.create").exists()


def test_staff_of_another_team_is_refused(client, worker, team_client, outsider):
    client.force_login(worker)
    response = _post(client, team_client, staff=[outsider.pk])
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_outsider_cannot_log_a_contact(client, outsider, team_client):
    client.force_login(outsider)
    assert _post(client, team_client).status_code == 404
    assert not Contact.objects.exists()


def test_author_edits_own_contact_and_it_is_audited(client, worker, team_client):
    contact = ContactFactory(client=team_client, author=worker, duration_minutes=20)
    client.force_login(worker)
    url = f"/clients/{team_client.pk}/contacts/{contact.pk}/edit/"
    data = {
        "started_at": timezone.localtime(contact.started_at).strftime("%Y-%m-%dT%H:%M"),
        "mode": "face_to_face",
        "outcome": "met",
        "location": "street",
        "duration_minutes": "50",
        "staff": [worker.pk],
    }
    assert client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.duration_minutes == 50
    event = AuditEvent.objects.get(action="contact.update", object_id=str(contact.pk))
    assert event.detail["changes"]["duration_minutes"] == {"old": 20, "new": 50}
    assert "duration_minutes" in event.detail["changed"]


def test_colleague_cannot_edit_someone_elses_contact(client, peer, worker, team_client):
    contact = ContactFactory(client=team_client, author=worker)
    client.force_login(peer)
    assert client.get(f"/clients/{team_client.pk}/contacts/{contact.pk}/edit/").status_code == 403


def test_client_page_offers_edit_only_on_the_viewers_own_contacts(
    client, peer, worker, team_client
):
    mine = ContactFactory(client=team_client, author=worker)
    theirs = ContactFactory(client=team_client, author=peer)
    client.force_login(worker)
    page = client.get(f"/clients/{team_client.pk}/").content.decode()
    assert f"/clients/{team_client.pk}/contacts/{mine.pk}/edit/" in page
    assert f"/clients/{team_client.pk}/contacts/{theirs.pk}/edit/" not in page


def test_consent_cannot_be_withdrawn_before_given(client, worker, team_client):
    client.force_login(worker)
    today = timezone.localdate()
    consent = ConsentFactory(client=team_client, given_on=today)
    response = client.post(
        f"/clients/{team_client.pk}/consents/{consent.pk}/withdraw/",
        {"withdrawn_on": today - timedelta(days=3), "withdrawn_how": "in_person"},
    )
    assert response.status_code == 400
    assert "withdrawn before it was given" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_support_person_do_not_contact_is_shown_as_alert(client, worker, team_client):
    client.force_login(worker)
    response = client.post(
        f"/clients/{team_client.pk}/support/new/",
        {"name": "Ivo Former", "relation": "other", "involvement": "do_not_contact"},
    )
    assert response.status_code == 302
    assert (
        "Do not contact: Ivo Former" in client.get(team_client.get_absolute_url()).content.decode()
    )
    assert AuditEvent.objects.filter(action="supportperson.create", client=team_client).exists()


def test_client_details_edit_is_audited_and_validated(client, worker, team_client):
    client.force_login(worker)
    url = f"/clients/{team_client.pk}/edit/"
    data = {
        "given_name": "Maria",
        "family_name": "Ivanova",
        "sex": "female",
        "housing": "shelter",
        "documents": "none",
        "income": "none",
        "preferred_language": "bg",
        "birth_date": (timezone.localdate() + timedelta(days=2)).isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "future" in response.content.decode()
    data["birth_date"] = "1979-02-03"
    assert client.post(url, data).status_code == 302
    team_client.refresh_from_db()
    assert team_client.housing == "shelter"
    assert AuditEvent.objects.get(action="client.update").detail["changed"] == [
        "birth_date",
        "housing",
        "documents",
        "income",
    ]


def test_api_contact_create_and_scope(client, worker, outsider, team_client):
    client.force_login(worker)
    when = (timezone.now() - timedelta(hours=2)).isoformat()
    payload = {
        "client": team_client.pk,
        "started_at": when,
        "duration_minutes": 15,
        "mode": "phone",
        "outcome": "met",
    }
    response = client.post("/api/v1/contacts/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["mode"] == "phone"
    bad = dict(payload, duration_minutes=5000)
    assert client.post("/api/v1/contacts/", bad, content_type="application/json").status_code == 400
    future = dict(payload, started_at=(timezone.now() + timedelta(days=1)).isoformat())
    assert (
        client.post("/api/v1/contacts/", future, content_type="application/json").status_code == 400
    )
    assert Contact.objects.count() == 1
    client.force_login(outsider)
    assert (
        client.post("/api/v1/contacts/", payload, content_type="application/json").status_code
        == 404
    )
    assert client.get(f"/api/v1/clients/{team_client.pk}/").status_code == 404
    assert client.get("/api/v1/contacts/").json()["results"] == []


def test_api_client_read_is_audited(client, worker, team_client):
    client.force_login(worker)
    response = client.get(f"/api/v1/clients/{team_client.pk}/")
    assert response.json()["family_name"] == "Ivanova"
    assert AuditEvent.objects.filter(
        action="client.view", client=team_client, path__startswith="/api/"
    ).exists()


def test_api_token_auth(client, worker, team_client):
    from outreach.accounts.services import api_token_create

    key = api_token_create(owner=worker, origin=make_origin(), name="script").key
    response = client.get("/api/v1/clients/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_openapi_schema(client, worker):
    client.force_login(worker)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/contacts/" in response.content


def test_inactive_staff_cannot_be_present(client, worker, team_client, team):
    gone = UserFactory(role="peer", teams=[team], is_active=False)
    client.force_login(worker)
    response = _post(client, team_client, staff=[gone.pk])
    assert response.status_code == 400


def test_worker_opens_a_minimal_engagement_record(client, worker, team, tandem):
    client.force_login(worker)
    response = client.post(
        "/clients/new/",
        {"given_name": "Stoyan", "sex": "male", "whereabouts": "Lavov most", "team": team.pk},
    )
    assert response.status_code == 302
    person = team.clients.get(given_name="Stoyan")
    assert person.tandem == tandem  # the worker's own tandem
    assert not person.episodes.exists()  # engagement before consent: no episode yet
    assert AuditEvent.objects.filter(action="client.create", client=person).exists()
    # Shown on the caseload as in engagement.
    body = client.get("/caseload/").content.decode()
    assert "Stoyan" in body and "engagement" in body


def test_engagement_record_needs_a_name_and_own_team(client, worker, other_team):
    client.force_login(worker)
    response = client.post(
        "/clients/new/", {"given_name": "", "sex": "male", "team": other_team.pk}
    )
    assert response.status_code == 400
    assert not other_team.clients.exists()


def test_supervisor_assigns_tandem_and_open_episode_follows(
    client, supervisor, worker, team, team_client
):
    from tests.factories import TandemFactory

    new_tandem = TandemFactory(team=team)
    client.force_login(worker)
    assert "tandem" not in client.get(f"/clients/{team_client.pk}/edit/").context["form"].fields
    client.force_login(supervisor)
    data = {
        "given_name": "Maria",
        "family_name": "Ivanova",
        "sex": "female",
        "housing": "unknown",
        "documents": "unknown",
        "income": "unknown",
        "preferred_language": "bg",
        "birth_date": "1980-05-17",
        "tandem": new_tandem.pk,
    }
    assert client.post(f"/clients/{team_client.pk}/edit/", data).status_code == 302
    team_client.refresh_from_db()
    assert team_client.tandem == new_tandem
    assert team_client.episodes.get().tandem == new_tandem
    assert AuditEvent.objects.get(action="client.update").detail["changed"] == ["tandem"]


def test_api_list_reads_are_on_each_clients_trail(client, worker, team_client, team, tandem):
    from tests.factories import ClientFactory

    other = ClientFactory(team=team, tandem=tandem)
    ContactFactory(client=team_client)
    ContactFactory(client=other)
    client.force_login(worker)
    assert len(client.get("/api/v1/contacts/").json()["results"]) == 2
    assert set(
        AuditEvent.objects.filter(action="contact.list").values_list("client_id", flat=True)
    ) == {team_client.pk, other.pk}


def test_api_filters_do_not_reveal_other_teams_clients(client, worker, outsider, team_client):
    client.force_login(outsider)
    hidden = client.get("/api/v1/contacts/", {"client": team_client.pk})
    missing = client.get("/api/v1/contacts/", {"client": 999999})
    # An id of another team's client and one of nobody answer alike: an empty list.
    assert hidden.status_code == missing.status_code == 200
    assert hidden.json()["results"] == missing.json()["results"] == []


def test_forwarded_for_is_not_trusted_without_a_proxy(client, worker, team_client, settings):
    client.force_login(worker)
    client.get(team_client.get_absolute_url(), HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert AuditEvent.objects.get(action="client.view").ip_address == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    client.get(team_client.get_absolute_url(), HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    assert (
        AuditEvent.objects.filter(action="client.view").order_by("-id").first().ip_address
        == "10.1.2.3"
    )
