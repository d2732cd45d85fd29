"""Accepting links an existing client only when a person chooses one of the offered candidates.

Offered means: a client the person deciding may open (here the team's supervisor). What a
decider without access to the matching team sees is in test_duplicate_checks.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Episode
from referrals import services
from referrals.matching import duplicate_candidates, match_fields
from referrals.models import Status
from tests.factories import (
    ClientFactory,
    EpisodeFactory,
    MunicipalityFactory,
    ReferralFactory,
    TeamFactory,
)


@pytest.fixture
def referral(team, coordinator, default_criteria, answers, origin):
    referral = ReferralFactory(
        municipality=team.municipality,
        given_name="Ivan",
        family_name="Petrov",
        birth_date=date(1975, 4, 9),
        phone="+359 88 765 4321",
    )
    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    return referral


def test_duplicate_detection_offers_the_right_candidates(referral, team, other_team):
    same_name = ClientFactory(team=team, given_name="ivan", family_name="PETROV", birth_date=None)
    same_birth = ClientFactory(
        team=other_team, given_name="Ivan", family_name="Ivanov", birth_date=date(1975, 4, 9)
    )
    same_phone = ClientFactory(
        team=team, given_name="Vanyo", family_name="X", birth_date=None, phone="0887654321"
    )
    ClientFactory(team=team, given_name="Ivan", family_name="Georgiev", birth_date=None)
    ClientFactory(team=team, given_name="Stefan", family_name="Y", birth_date=date(1975, 4, 9))
    ClientFactory(team=team, given_name="Maria", family_name="Z", phone="0887654329")
    elsewhere = TeamFactory(municipality=MunicipalityFactory())
    ClientFactory(team=elsewhere, given_name="Ivan", family_name="Petrov")

    found = set(duplicate_candidates(referral))
    assert found == {same_name, same_birth, same_phone}
    assert match_fields(referral, same_name) == ["name"]
    assert match_fields(referral, same_birth) == ["birth_date"]
    assert match_fields(referral, same_phone) == ["phone"]


def test_accept_with_unresolved_duplicates_is_refused(referral, tandem, supervisor, origin):
    ClientFactory(team=tandem.team, given_name="Ivan", family_name="Petrov")
    with pytest.raises(ValidationError) as exc:
        services.referral_accept(
            referral=referral, actor=supervisor, team=tandem.team, tandem=tandem, origin=origin
        )
    assert exc.value.error_dict["client"][0].code == "duplicates_unresolved"
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING and referral.client is None


def test_decide_page_requires_choosing_between_candidates(client, referral, tandem, supervisor):
    existing = ClientFactory(team=tandem.team, given_name="Ivan", family_name="Petrov")
    client.force_login(supervisor)
    url = reverse("referrals:referral-decide", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "may be this person" in page and f'value="{existing.pk}"' in page
    assert f"Ivan Petrov · {existing.code} · Team Centre · same name" in page
    assert AuditEvent.objects.filter(
        action="referral.duplicates_view", client=existing, actor=supervisor
    ).exists()
    response = client.post(
        url,
        {
            "decision": "accept",
            "team": tandem.team.pk,
            "tandem": tandem.pk,
            "decided_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "Possible duplicates exist" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING


def test_re_referral_of_a_client_with_an_ended_episode_opens_a_new_episode(
    client, referral, tandem, supervisor
):
    existing = ClientFactory(team=tandem.team, given_name="Ivan", family_name="Petrov")
    EpisodeFactory(
        client=existing,
        started_on=timezone.localdate() - timedelta(days=400),
        ended_on=timezone.localdate() - timedelta(days=100),
        discharge_reason="client_ended",
    )
    client.force_login(supervisor)
    response = client.post(
        reverse("referrals:referral-decide", args=[referral.pk]),
        {
            "decision": "accept",
            "team": tandem.team.pk,
            "tandem": tandem.pk,
            "client": str(existing.pk),
            "decided_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.client == existing
    assert Episode.objects.filter(client=existing).count() == 2
    assert Episode.objects.filter(client=existing, ended_on__isnull=True, tandem=tandem).exists()
    assert AuditEvent.objects.filter(action="referral.link_client", client=existing).exists()


def test_re_referral_while_an_episode_is_open_is_refused(referral, tandem, supervisor, origin):
    existing = ClientFactory(team=tandem.team, given_name="Ivan", family_name="Petrov")
    EpisodeFactory(client=existing)
    with pytest.raises(ValidationError) as exc:
        services.referral_accept(
            referral=referral,
            actor=supervisor,
            team=tandem.team,
            tandem=tandem,
            link_client=existing,
            origin=origin,
        )
    assert "already has an open episode" in exc.value.message_dict["client"][0]
    assert Episode.objects.filter(client=existing).count() == 1
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING


def test_only_an_offered_candidate_can_be_linked(referral, tandem, coordinator, origin):
    unrelated = ClientFactory(team=tandem.team, given_name="Someone", family_name="Else")
    with pytest.raises(ValidationError) as exc:
        services.referral_accept(
            referral=referral,
            actor=coordinator,
            team=tandem.team,
            tandem=tandem,
            link_client=unrelated,
            origin=origin,
        )
    assert exc.value.error_dict["client"][0].code == "not_a_candidate"


def test_accept_needs_screening_and_eligibility(
    team, tandem, coordinator, default_criteria, answers, origin
):
    referral = ReferralFactory(municipality=team.municipality)
    with pytest.raises(ValidationError) as exc:
        services.referral_accept(
            referral=referral, actor=coordinator, team=team, tandem=tandem, origin=origin
        )
    assert exc.value.code == "not_screened"
    answers["adult"] = "no"
    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    with pytest.raises(ValidationError) as exc:
        services.referral_accept(
            referral=referral, actor=coordinator, team=team, tandem=tandem, origin=origin
        )
    assert exc.value.code == "not_eligible"


def test_tandem_must_belong_to_the_team(referral, team, other_team, coordinator, origin):
    from tests.factories import TandemFactory

    foreign_tandem = TandemFactory(team=other_team)
    with pytest.raises(ValidationError) as exc:
        services.referral_accept(
            referral=referral, actor=coordinator, team=team, tandem=foreign_tandem, origin=origin
        )
    assert "tandem" in exc.value.message_dict


def test_duplicate_names_compare_without_case_accents_or_yo(team, coordinator, origin):
    referral = ReferralFactory(
        municipality=team.municipality, given_name="пётр", family_name="ЁЛКИН", birth_date=None
    )
    same = ClientFactory(team=team, given_name="Петр", family_name="Елкин", birth_date=None)
    ClientFactory(team=team, given_name="Петър", family_name="Елкин", birth_date=None)
    assert list(duplicate_candidates(referral)) == [same]
    assert match_fields(referral, same) == ["name"]
