"""Referral screening and decisions through the API: the triage pages' rules and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import AuditEvent, Episode
from referrals.models import Referral, Status
from tests.factories import MunicipalityFactory, ReferralFactory


def _post(client, url, data=None):
    return client.post(f"/api/v1/referrals/{url}", data or {}, content_type="application/json")


@pytest.fixture
def referral(municipality, partner):
    return ReferralFactory(municipality=municipality, submitted_by=partner)


def test_coordinator_screens_then_accepts(
    client, coordinator, referral, tandem, default_criteria, answers
):
    client.force_login(coordinator)
    bad = {**answers}
    bad.pop(next(iter(bad)))
    response = _post(client, f"{referral.pk}/screen/", {"answers": bad})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED and referral.score is None
    response = _post(client, f"{referral.pk}/screen/", {"answers": answers})
    assert response.status_code == 200, response.content
    assert response.json()["eligible"] is True and response.json()["status"] == "screening"
    assert _post(client, f"{referral.pk}/rescore/").status_code == 200
    body = {"decision": "accept", "decided_at": timezone.now().isoformat()}
    response = _post(client, f"{referral.pk}/decide/", body)
    assert response.status_code == 400 and "team" in response.json()
    body.update(team=tandem.team_id, tandem=tandem.pk)
    response = _post(client, f"{referral.pk}/decide/", body)
    assert response.status_code == 200, response.content
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.decided_by == coordinator
    assert Episode.objects.filter(client=referral.client).exists()
    actions = set(AuditEvent.objects.filter(actor=coordinator).values_list("action", flat=True))
    assert {"referral.screen", "referral.accepted", "client.create"} <= actions
    again = _post(client, f"{referral.pk}/decide/", body)
    assert again.status_code == 400


def test_decline_needs_the_reason(client, supervisor, referral):
    client.force_login(supervisor)
    body = {"decision": "decline", "decided_at": timezone.now().isoformat()}
    response = _post(client, f"{referral.pk}/decide/", body)
    assert response.status_code == 400 and "reason" in response.json()
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = _post(
        client, f"{referral.pk}/decide/", {**body, "reason": "x", "decided_at": future}
    )
    assert response.status_code == 400
    assert Referral.objects.get().status == Status.RECEIVED
    response = _post(client, f"{referral.pk}/decide/", {**body, "reason": "out of area"})
    assert response.status_code == 200 and response.json()["status"] == "declined"


@pytest.mark.parametrize("role", ["partner", "worker", "outsider", "admin", "dpo"])
def test_who_does_not_triage_gets_404(
    role, client, users_by_role, referral, default_criteria, answers
):
    client.force_login(users_by_role[role])
    assert _post(client, f"{referral.pk}/screen/", {"answers": answers}).status_code == 404
    assert _post(client, f"{referral.pk}/rescore/").status_code == 404
    body = {"decision": "withdraw", "decided_at": timezone.now().isoformat()}
    assert _post(client, f"{referral.pk}/decide/", body).status_code == 404
    assert Referral.objects.get().status == Status.RECEIVED


def test_another_municipalitys_referral_is_404(client, coordinator, default_criteria, answers):
    elsewhere = ReferralFactory(municipality=MunicipalityFactory())
    client.force_login(coordinator)
    assert _post(client, f"{elsewhere.pk}/screen/", {"answers": answers}).status_code == 404


def test_referral_list_updated_since(client, coordinator, referral):
    client.force_login(coordinator)
    Referral.objects.filter(pk=referral.pk).update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert client.get("/api/v1/referrals/", {"updated_since": since}).json()["count"] == 0
    since = (timezone.now() - timedelta(days=4)).isoformat()
    assert client.get("/api/v1/referrals/", {"updated_since": since}).json()["count"] == 1
