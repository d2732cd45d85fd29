"""Who sees which referral, in pages and API; and the triage list's query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.models import Role
from tests.factories import MunicipalityFactory, ReferralFactory, UserFactory


@pytest.fixture
def other_partner(municipality):
    return UserFactory(role=Role.PARTNER, municipality=municipality, organisation="GP practice")


def test_partner_cannot_open_another_partners_referral(client, partner, other_partner):
    theirs = ReferralFactory(municipality=partner.municipality, submitted_by=other_partner)
    mine = ReferralFactory(municipality=partner.municipality, submitted_by=partner)
    client.force_login(partner)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/referrals/{theirs.pk}/").status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(f"/api/v1/referrals/{mine.pk}/").status_code == 200
    listing = client.get(reverse("referrals:referral-list")).content.decode()
    assert mine.family_name in listing and theirs.family_name not in listing
    api = client.get("/api/v1/referrals/").json()
    assert [r["id"] for r in api["results"]] == [mine.pk]


@pytest.mark.parametrize(
    "route", ["referral-screen", "referral-decide", "referral-waiting-list", "referral-fairness"]
)
def test_partner_cannot_triage_even_own_referral(client, partner, route):
    mine = ReferralFactory(municipality=partner.municipality, submitted_by=partner)
    client.force_login(partner)
    args = [mine.pk] if route in ("referral-screen", "referral-decide") else []
    assert client.get(reverse(f"referrals:{route}", args=args)).status_code == 404


def test_supervisor_of_another_team_in_the_municipality_sees_its_referrals(
    client, outside_supervisor, municipality
):
    referral = ReferralFactory(municipality=municipality)
    elsewhere = ReferralFactory(municipality=MunicipalityFactory())
    client.force_login(outside_supervisor)
    assert client.get(referral.get_absolute_url()).status_code == 200
    assert client.get(elsewhere.get_absolute_url()).status_code == 404


def test_admin_and_outsider_worker_see_no_referral(client, admin_user, outsider, municipality):
    referral = ReferralFactory(municipality=municipality)
    for user in (admin_user, outsider):
        client.force_login(user)
        assert client.get(referral.get_absolute_url()).status_code == 404


def _triage_queries(client, coordinator, django_assert_num_queries, n: int) -> None:
    ReferralFactory.create_batch(n, municipality=coordinator.municipality)
    client.force_login(coordinator)
    # session, user, referrals (+ municipality, team, submitter, criteria version), audit insert,
    # the free places (waiting referrals with their team's open episodes), then the session
    # save of the idle timeout (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(reverse("referrals:referral-list"))
    assert response.status_code == 200
    assert response.content.decode().count('<td class="primary">') >= n


@pytest.mark.parametrize("n", [2, 15])
def test_triage_list_queries_are_constant(client, coordinator, django_assert_num_queries, n):
    _triage_queries(client, coordinator, django_assert_num_queries, n)


@pytest.mark.parametrize("n", [2, 15])
def test_partner_list_queries_are_constant(client, partner, django_assert_num_queries, n):
    ReferralFactory.create_batch(n, municipality=partner.municipality, submitted_by=partner)
    client.force_login(partner)
    # session, user, referrals (+ related rows), audit insert, session save (3)
    with django_assert_num_queries(7):
        response = client.get(reverse("referrals:referral-list"))
    assert response.content.decode().count('<td class="primary">') == n


@pytest.mark.parametrize("n", [1, 8])
def test_waiting_list_queries_are_constant(client, coordinator, team, django_assert_num_queries, n):
    ReferralFactory.create_batch(
        n, municipality=coordinator.municipality, status="waitlisted", team=team, score=3
    )
    client.force_login(coordinator)
    # session, user, waiting referrals (+ team...), audit insert, teams with open episodes,
    # the free places (waiting referrals with their team's open episodes), session save (3)
    with django_assert_num_queries(9):
        response = client.get(reverse("referrals:referral-waiting-list"))
    assert response.content.decode().count('<td class="primary">') == n


def test_detail_page_query_count(client, coordinator, django_assert_num_queries):
    referral = ReferralFactory(municipality=coordinator.municipality)
    client.force_login(coordinator)
    # session, user, referral (+ related), audit insert, scores, current criteria (the
    # municipality's own, then the default), session save (3); no client yet: no client check
    with django_assert_num_queries(10):
        response = client.get(referral.get_absolute_url())
    assert response.status_code == 200


def test_partner_sees_their_referrals_newest_first(client, partner):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old = ReferralFactory(municipality=partner.municipality, submitted_by=partner, urgent=True)
    old.received_at = now - timedelta(days=20)
    old.save()
    new = ReferralFactory(
        municipality=partner.municipality, submitted_by=partner, received_at=now - timedelta(days=1)
    )
    client.force_login(partner)
    body = client.get(reverse("referrals:referral-list")).content.decode()
    assert body.index(new.get_absolute_url()) < body.index(old.get_absolute_url())


def test_partner_form_starts_with_the_source_they_gave_last_time(client, partner):
    ReferralFactory(
        municipality=partner.municipality, submitted_by=partner, source="social_services"
    )
    client.force_login(partner)
    form = client.get(reverse("referrals:referral-create")).context["form"]
    assert form["source"].value() == "social_services"


def test_a_first_referral_starts_from_the_municipality(client, partner):
    client.force_login(partner)
    form = client.get(reverse("referrals:referral-create")).context["form"]
    assert form["source"].value() == "municipality"
