"""Free places: "N places free, M waiting" with the first in rank, and offering the place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import Episode, Role
from referrals import selectors, services
from referrals.models import Status
from tests.factories import ClientFactory, EpisodeFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_team(team):
    team.capacity = 3
    team.save()
    return team


def _in_care(team, tandem, n):
    for _ in range(n):
        EpisodeFactory(client=ClientFactory(team=team, tandem=tandem), tandem=tandem)


def _waiting(team, coordinator, answers, origin, *, name, housing="stable", days_ago=10):
    referral = ReferralFactory(
        municipality=team.municipality,
        given_name=name,
        received_at=timezone.now() - timedelta(days=days_ago),
    )
    services.referral_screen(
        referral=referral,
        actor=coordinator,
        answers={**answers, "housing": housing},
        origin=origin,
    )
    return services.referral_waitlist(
        referral=referral, actor=coordinator, team=team, origin=origin
    )


@pytest.fixture
def waiting(small_team, coordinator, default_criteria, answers, origin):
    def make(name, **kwargs):
        return _waiting(small_team, coordinator, answers, origin, name=name, **kwargs)

    return make


# --- The rule --------------------------------------------------------------------------------


def test_free_places_are_capacity_minus_open_episodes(small_team, tandem, coordinator, waiting):
    _in_care(small_team, tandem, 1)
    waiting("Low")
    first = waiting("High", housing="street")
    waiting("LowNewer", days_ago=2)
    (places,) = selectors.free_places(user=coordinator)
    assert (places.team, places.free, places.waiting) == (small_team, 2, 3)
    # First in rank: the highest score, then the earliest received.
    assert places.first == first


def test_a_discharged_episode_frees_its_place(small_team, tandem, coordinator, waiting):
    _in_care(small_team, tandem, 3)
    waiting("Anna")
    assert selectors.free_places(user=coordinator) == []
    one = Episode.objects.filter(client__team=small_team).first()
    Episode.objects.filter(pk=one.pk).update(
        ended_on=timezone.localdate(), discharge_reason="goals_met"
    )
    (places,) = selectors.free_places(user=coordinator)
    assert places.free == 1 and places.waiting == 1


def test_a_full_team_or_an_empty_waiting_list_offers_nothing(
    small_team, tandem, coordinator, waiting
):
    assert selectors.free_places(user=coordinator) == []  # free places, nobody waiting
    _in_care(small_team, tandem, 4)  # over capacity (e.g. capacity lowered)
    waiting("Anna")
    assert selectors.free_places(user=coordinator) == []


def test_only_the_teams_own_waiting_list_counts(
    small_team, other_team, tandem, coordinator, waiting, answers, origin
):
    waiting("Mine")
    _waiting(other_team, coordinator, answers, origin, name="Theirs")
    other_team.capacity = 0
    other_team.save()
    (places,) = selectors.free_places(user=coordinator)
    assert places.team == small_team and places.waiting == 1


# --- Access ----------------------------------------------------------------------------------


def test_who_sees_the_free_places(
    small_team, coordinator, supervisor, outside_supervisor, worker, partner, waiting
):
    waiting("Anna")
    assert [p.team for p in selectors.free_places(user=coordinator)] == [small_team]
    assert [p.team for p in selectors.free_places(user=supervisor)] == [small_team]
    # A supervisor of another team, workers and partners offer nothing of this team.
    for user in (outside_supervisor, worker, partner):
        assert selectors.free_places(user=user) == []
    other_coordinator = UserFactory(role=Role.COORDINATOR, municipality=None)
    assert selectors.free_places(user=other_coordinator) == []


def test_the_coordinator_sees_the_card_on_the_triage_page(client, coordinator, waiting):
    first = waiting("Anna")
    client.force_login(coordinator)
    body = client.get(reverse("referrals:referral-list")).content.decode()
    assert "3 places free, 1 waiting" in body
    assert reverse("referrals:referral-decide", args=[first.pk]) in body


def test_the_supervisor_sees_the_card_on_my_work(client, supervisor, waiting, small_team):
    waiting("Anna")
    client.force_login(supervisor)
    body = client.get(reverse("indicators:my-work")).content.decode()
    assert 'id="free-places"' in body and "3 places free, 1 waiting" in body


def test_a_supervisor_of_another_team_sees_no_card(client, outside_supervisor, waiting):
    waiting("Anna")
    client.force_login(outside_supervisor)
    for url in (reverse("indicators:my-work"), reverse("referrals:referral-list")):
        assert 'id="free-places"' not in client.get(url).content.decode()


def test_the_offer_is_only_for_the_referrals_own_team(client, coordinator, waiting, other_team):
    first = waiting("Anna")
    client.force_login(coordinator)
    url = reverse("referrals:referral-decide", args=[first.pk])
    assert client.get(f"{url}?offer={other_team.pk}").context["offer"] is None


# --- The offer, through the page -------------------------------------------------------------


def test_offering_the_place_accepts_the_first_in_rank_into_the_team(
    client, coordinator, small_team, tandem, waiting
):
    _in_care(small_team, tandem, 2)
    waiting("Low")
    first = waiting("High", housing="street")
    client.force_login(coordinator)
    card = client.get(reverse("referrals:referral-list")).content.decode()
    assert "1 place free, 2 waiting" in card
    offer_url = reverse("referrals:referral-decide", args=[first.pk]) + f"?offer={small_team.pk}"
    assert offer_url in card
    page = client.get(offer_url)
    assert page.context["offer"] == small_team
    form = page.context["form"]
    assert form.initial["decision"] == "accept" and form.initial["team"] == small_team.pk
    assert "Offering a free place of" in page.content.decode()
    response = client.post(
        offer_url,
        {
            "decision": "accept",
            "team": small_team.pk,
            "tandem": tandem.pk,
            "client": "new",
            "decided_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Status.ACCEPTED and first.client.team == small_team
    assert first.client.episodes.filter(ended_on__isnull=True).exists()
    # The team is full again: no card.
    assert 'id="free-places"' not in client.get(reverse("referrals:referral-list")).content.decode()


def test_an_outside_supervisor_cannot_offer_the_place(
    client, outside_supervisor, small_team, tandem, waiting
):
    first = waiting("Anna")
    client.force_login(outside_supervisor)
    url = reverse("referrals:referral-decide", args=[first.pk]) + f"?offer={small_team.pk}"
    # Same municipality: the supervisor triages its referrals, but offers no place of this team.
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["offer"] is None
    assert "Offering a free place of" not in response.content.decode()
