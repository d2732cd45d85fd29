"""The support network and consents through the API: the pages' access, forms and services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import AuditEvent, Consent, SupportPerson
from tests.factories import ClientFactory, ConsentFactory, SupportPersonFactory

MAKERS = {
    "support-people": ("supportperson", lambda c: SupportPersonFactory(client=c)),
    "consents": ("consent", lambda c: ConsentFactory(client=c)),
}


def _day(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def _post(client, url, data):
    return client.post(f"/api/v1/{url}", data, content_type="application/json")


@pytest.fixture
def api(client, worker):
    client.force_login(worker)
    return client


@pytest.mark.parametrize("url", MAKERS)
@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_other_teams_and_roles_see_nothing(url, role, client, users_by_role, team_client):
    entity, make = MAKERS[url]
    row = make(team_client)
    client.force_login(users_by_role[role])
    assert client.get(f"/api/v1/{url}/").json()["results"] == []
    assert client.get(f"/api/v1/{url}/{row.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action__startswith=f"{entity}.").exists()


@pytest.mark.parametrize("url", MAKERS)
def test_reads_are_audited_per_client(url, api, worker, team_client, tandem):
    entity, make = MAKERS[url]
    other = ClientFactory(team=team_client.team, tandem=tandem)
    row = make(team_client)
    make(other)
    assert len(api.get(f"/api/v1/{url}/").json()["results"]) == 2
    assert set(
        AuditEvent.objects.filter(action=f"{entity}.list").values_list("client_id", flat=True)
    ) == {team_client.pk, other.pk}
    assert api.get(f"/api/v1/{url}/{row.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        action=f"{entity}.view", client=team_client, object_id=str(row.pk)
    ).exists()


@pytest.mark.parametrize("url", MAKERS)
def test_updated_since(url, api, team_client):
    _, make = MAKERS[url]
    row = make(team_client)
    old = timezone.now() - timedelta(days=5)
    type(row).objects.filter(pk=row.pk).update(updated_at=old)
    assert (
        api.get(f"/api/v1/{url}/", {"updated_since": timezone.now().isoformat()}).json()["results"]
        == []
    )
    since = (old - timedelta(seconds=1)).isoformat()
    assert [
        r["id"] for r in api.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"]
    ] == [row.pk]


@pytest.mark.parametrize("url", MAKERS)
def test_list_queries_do_not_grow(url, api, team_client, tandem, django_assert_num_queries):
    _, make = MAKERS[url]
    make(team_client)
    # session, user, the page of rows, the audit INSERT, the session save (savepoint, update,
    # release)
    with django_assert_num_queries(7):
        api.get(f"/api/v1/{url}/")
    for _ in range(3):
        make(ClientFactory(team=team_client.team, tandem=tandem))
    with django_assert_num_queries(7):
        assert len(api.get(f"/api/v1/{url}/").json()["results"]) == 4


def test_support_person_create_and_change(api, worker, team_client):
    response = _post(api, "support-people/", {"client": team_client.pk, "name": "Ana"})
    assert response.status_code == 400 and "relation" in response.json()
    assert not SupportPerson.objects.exists()
    body = {"client": team_client.pk, "name": "Ana", "relation": "carer", "involvement": "involve"}
    response = _post(api, "support-people/", body)
    assert response.status_code == 201, response.content
    person = SupportPerson.objects.get()
    assert person.client == team_client
    assert AuditEvent.objects.filter(action="supportperson.create", actor=worker).exists()
    response = api.patch(
        f"/api/v1/support-people/{person.pk}/",
        {"involvement": "do_not_contact"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.do_not_contact and person.name == "Ana"
    event = AuditEvent.objects.get(action="supportperson.update")
    assert "involvement" in event.detail["changes"]


@pytest.mark.parametrize("role", ["outsider", "partner", "coordinator"])
def test_writes_for_another_teams_client_are_404(role, client, users_by_role, team_client):
    person = SupportPersonFactory(client=team_client)
    client.force_login(users_by_role[role])
    body = {"client": team_client.pk, "name": "Ana", "relation": "carer", "involvement": "involve"}
    assert _post(client, "support-people/", body).status_code == 404
    response = client.patch(
        f"/api/v1/support-people/{person.pk}/", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 404
    consent = ConsentFactory(client=team_client)
    assert (
        _post(client, f"consents/{consent.pk}/withdraw/", {"withdrawn_how": "phone"}).status_code
        == 404
    )
    assert SupportPerson.objects.get().name == person.name
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_consent_never_to_a_do_not_contact_person(api, team_client):
    barred = SupportPersonFactory(client=team_client, involvement="do_not_contact")
    body = {
        "client": team_client.pk,
        "recipient_kind": "person",
        "support_person": barred.pk,
        "recipient": "Ana",
        "scope": "crisis_sheet",
        "given_on": _day(1),
    }
    response = _post(api, "consents/", body)
    assert response.status_code == 400 and "support_person" in response.json()
    bad = {**body, "support_person": None, "valid_until": _day(5)}
    response = _post(api, "consents/", bad)
    assert response.status_code == 400 and "valid_until" in response.json()
    assert not Consent.objects.exists()
    response = _post(api, "consents/", {**body, "support_person": None})
    assert response.status_code == 201, response.content
    assert AuditEvent.objects.filter(action="consent.create", client=team_client).exists()


def test_consent_withdrawal(api, worker, team_client):
    consent = ConsentFactory(client=team_client)
    url = f"consents/{consent.pk}/withdraw/"
    response = _post(api, url, {"withdrawn_on": _day(40), "withdrawn_how": "phone"})
    assert response.status_code == 400 and "withdrawn_on" in response.json()  # before given
    assert _post(api, url, {}).json()["withdrawn_how"]
    response = _post(api, url, {"withdrawn_how": "phone"})
    assert response.status_code == 200, response.content
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert consent.withdrawn_recorded_by == worker
    assert response.json()["withdrawn_how"] == "phone"
    assert AuditEvent.objects.filter(action="consent.withdraw", client=team_client).exists()
    assert _post(api, url, {"withdrawn_how": "phone"}).status_code == 400
