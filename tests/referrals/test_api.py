"""The referral API: partners can POST; same access rules as the pages."""

from __future__ import annotations

from outreach.models import AuditEvent
from referrals.models import Referral
from tests.factories import MunicipalityFactory, ReferralFactory

URL = "/api/v1/referrals/"


def test_partner_posts_a_referral(client, partner):
    client.force_login(partner)
    response = client.post(
        URL,
        {
            "source": "hospital",
            "given_name": "Nikola",
            "family_name": "Stoyanov",
            "approximate_age": 40,
            "reasons": "Discharged without a place to go.",
            "person_knows": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received" and "score" not in body
    referral = Referral.objects.get(pk=body["id"])
    assert referral.submitted_by == partner and referral.municipality == partner.municipality
    assert AuditEvent.objects.filter(action="referral.create", object_id=str(referral.pk))


def test_bad_input_is_a_400_and_nothing_saved(client, partner):
    client.force_login(partner)
    response = client.post(
        URL,
        {"source": "hospital", "reasons": "x", "birth_date": "2999-01-01", "given_name": "A"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "birth_date" in response.json()
    response = client.post(
        URL, {"source": "hospital", "reasons": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_partner_cannot_post_to_another_municipality(client, partner):
    elsewhere = MunicipalityFactory()
    client.force_login(partner)
    response = client.post(
        URL,
        {"municipality": elsewhere.pk, "source": "gp", "given_name": "A", "reasons": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_coordinator_lists_the_municipality_with_scores(client, coordinator):
    mine = ReferralFactory(municipality=coordinator.municipality, score=5)
    ReferralFactory(municipality=MunicipalityFactory())
    client.force_login(coordinator)
    results = client.get(URL).json()["results"]
    assert [r["id"] for r in results] == [mine.pk]
    assert results[0]["score"] == 5


def test_admin_cannot_post_or_list(client, admin_user, municipality):
    ReferralFactory(municipality=municipality)
    client.force_login(admin_user)
    assert client.get(URL).json()["results"] == []
    response = client.post(URL, {"source": "gp", "given_name": "A", "reasons": "x"})
    assert response.status_code == 404


def test_anonymous_is_refused(client, db):
    assert client.get(URL).status_code in (401, 403)
