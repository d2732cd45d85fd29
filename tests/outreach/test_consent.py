"""Consent to share: a scope from a list, a link to the person or agency, dates, and withdrawal
from the client's page (issue 15, item 5)."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach import services
from outreach.models import AuditEvent, CaseAgency, Consent
from tests.factories import ConsentFactory, SupportPersonFactory, make_origin

migration = importlib.import_module("outreach.migrations.0014_consent_scope_withdrawal")


def _url(c, consent):
    return f"/clients/{c.pk}/consents/{consent.pk}/withdraw/"


def test_the_team_withdraws_a_consent_from_the_clients_page(client, worker, team_client):
    consent = ConsentFactory(client=team_client)
    client.force_login(worker)
    page = client.get(team_client.get_absolute_url()).content.decode()
    assert _url(team_client, consent) in page
    assert client.get(_url(team_client, consent)).status_code == 200
    today = timezone.localdate()
    response = client.post(
        _url(team_client, consent),
        {"withdrawn_on": today.isoformat(), "withdrawn_how": "phone"},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawn_how) == (today, "phone")
    assert consent.withdrawn_recorded_by == worker
    event = AuditEvent.objects.get(action="consent.withdraw")
    assert event.client_id == team_client.pk
    assert event.detail["changes"]["withdrawn_how"] == {"old": "", "new": "phone"}
    page = client.get(team_client.get_absolute_url()).content.decode()
    assert "By phone" in page and _url(team_client, consent) not in page


def test_an_outsider_gets_404_and_leaves_no_audit_row(client, outsider, team_client):
    consent = ConsentFactory(client=team_client)
    client.force_login(outsider)
    assert client.get(_url(team_client, consent)).status_code == 404
    assert client.post(_url(team_client, consent), {"withdrawn_how": "phone"}).status_code == 404
    assert not AuditEvent.objects.exists()
    assert Consent.objects.get().withdrawn_on is None


def test_a_withdrawal_needs_how_and_a_sensible_date(client, worker, team_client):
    consent = ConsentFactory(client=team_client)
    client.force_login(worker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(_url(team_client, consent), {"withdrawn_on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert Consent.objects.get().withdrawn_on is None


def test_withdraw_service_refuses_twice_and_before_given(worker, team_client):
    consent = ConsentFactory(client=team_client)
    with pytest.raises(ValidationError):
        services.consent_withdraw(
            consent=consent,
            actor=worker,
            withdrawn_on=consent.given_on - timedelta(days=1),
            how="writing",
            origin=make_origin(),
        )
    services.consent_withdraw(
        consent=consent,
        actor=worker,
        withdrawn_on=timezone.localdate(),
        how="writing",
        origin=make_origin(),
    )
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.consent_withdraw(
            consent=consent,
            actor=worker,
            withdrawn_on=timezone.localdate(),
            how="writing",
            origin=make_origin(),
        )


def test_a_consent_links_to_a_person_or_agency_of_this_client_only(
    client, worker, team_client, other_team
):
    person = SupportPersonFactory(client=team_client, name="Vesela")
    agency = CaseAgency.objects.create(client=team_client, name="Social Assistance")
    client.force_login(worker)
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/clients/{team_client.pk}/consents/new/",
        {
            "recipient_kind": "person",
            "recipient": "Vesela",
            "support_person": person.pk,
            "scope": "crisis_sheet",
            "given_on": today,
        },
    )
    assert response.status_code == 302
    stranger = SupportPersonFactory()
    response = client.post(
        f"/clients/{team_client.pk}/consents/new/",
        {
            "recipient_kind": "agency",
            "recipient": "Agency",
            "support_person": stranger.pk,
            "agency": agency.pk,
            "scope": "care_plan",
            "given_on": today,
        },
    )
    assert response.status_code == 400
    consent = Consent.objects.get()
    assert consent.support_person == person and consent.scope == "crisis_sheet"


def test_a_scope_is_required_and_valid_until_not_before_given(client, worker, team_client):
    client.force_login(worker)
    today = timezone.localdate()
    response = client.post(
        f"/clients/{team_client.pk}/consents/new/",
        {"recipient_kind": "agency", "recipient": "X", "given_on": today.isoformat()},
    )
    assert response.status_code == 400
    response = client.post(
        f"/clients/{team_client.pk}/consents/new/",
        {
            "recipient_kind": "agency",
            "recipient": "X",
            "scope": "care_plan",
            "given_on": today.isoformat(),
            "valid_until": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("text", "scopes"),
    [
        ("care plan and crisis plan", ["crisis_sheet", "care_plan"]),
        ("Кризисен план", ["crisis_sheet"]),
        ("minutes of the case conference", ["case_conference"]),
        ("matrix of responsibilities", ["responsibility_matrix"]),
        ("everything about housing", []),
    ],
)
def test_old_free_text_scopes_map_to_the_list(text, scopes):
    assert migration.scopes_of(text) == scopes
