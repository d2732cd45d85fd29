"""The referral path as users take it: submit, screen, decide; through HTTP requests."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Client, Episode, Role
from referrals.models import Referral, Status
from tests.factories import ClientFactory, EpisodeFactory, ReferralFactory, UserFactory

PERSON = {
    "given_name": "Petar",
    "family_name": "Dimitrov",
    "birth_date": "1979-03-02",
    "sex": "male",
    "phone": "0888 123 456",
    "whereabouts": "Near the central station, mornings",
    "reasons": "Lost his flat; stopped medication; two admissions this year.",
    "person_knows": "on",
    "source": "social_services",
}


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _screen(client, referral, answers):
    url = reverse("referrals:referral-screen", args=[referral.pk])
    return client.post(url, answers)


def test_partner_submits_coordinator_accepts_client_and_episode_with_tandem(
    client, partner, coordinator, tandem, worker, default_criteria, answers
):
    client.force_login(partner)
    response = client.post(reverse("referrals:referral-create"), PERSON)
    assert response.status_code == 302
    referral = Referral.objects.get(family_name="Dimitrov")
    assert referral.submitted_by == partner and referral.status == Status.RECEIVED
    assert referral.source_organisation == "Hospital"  # the partner's organisation by default

    client.force_login(coordinator)
    triage = client.get(reverse("referrals:referral-list"))
    assert "Petar Dimitrov" in triage.content.decode()
    assert _screen(client, referral, answers).status_code == 302
    response = client.post(
        reverse("referrals:referral-decide", args=[referral.pk]),
        {
            "decision": "accept",
            "team": tandem.team.pk,
            "tandem": tandem.pk,
            "decided_at": _local(timezone.now()),
        },
    )
    assert response.status_code == 302, response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.decided_by == coordinator
    new_client = referral.client
    assert new_client.full_name == "Petar Dimitrov"
    assert new_client.team == tandem.team and new_client.tandem == tandem
    episode = Episode.objects.get(client=new_client)
    assert episode.is_open and episode.tandem == tandem
    actions = set(AuditEvent.objects.filter(actor=coordinator).values_list("action", flat=True))
    assert {"referral.screen", "referral.accepted", "client.create", "episode.open"} <= actions

    client.force_login(worker)
    caseload = client.get(reverse("outreach:caseload"))
    assert "Petar" in caseload.content.decode()

    client.force_login(partner)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Accepted" in page
    assert new_client.code not in page  # the partner never sees the client record


def test_decline_with_reason_is_visible_to_the_partner(client, partner, coordinator):
    referral = ReferralFactory(municipality=partner.municipality, submitted_by=partner)
    client.force_login(coordinator)
    url = reverse("referrals:referral-decide", args=[referral.pk])
    response = client.post(url, {"decision": "decline", "decided_at": _local(timezone.now())})
    assert "Give the reason" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED  # nothing saved

    client.post(
        url,
        {
            "decision": "decline",
            "reason": "Primary need is housing only; referred to the housing service.",
            "decided_at": _local(timezone.now()),
        },
    )
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert AuditEvent.objects.filter(action="referral.declined", object_id=str(referral.pk))

    client.force_login(partner)
    listing = client.get(reverse("referrals:referral-list")).content.decode()
    assert "Declined" in listing and "housing service" in listing
    detail = client.get(referral.get_absolute_url()).content.decode()
    assert "Primary need is housing only" in detail


def test_decision_before_receipt_or_in_future_is_refused(client, coordinator, team):
    referral = ReferralFactory(municipality=coordinator.municipality)
    client.force_login(coordinator)
    url = reverse("referrals:referral-decide", args=[referral.pk])
    for when, message in (
        (referral.received_at - timedelta(days=2), "before the referral was received"),
        (timezone.now() + timedelta(days=2), "cannot be in the future"),
    ):
        response = client.post(
            url, {"decision": "withdraw", "reason": "x", "decided_at": _local(when)}
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED and referral.decided_at is None


def test_future_receipt_is_refused_for_a_referral_taken_by_phone(client, worker):
    client.force_login(worker)
    data = dict(PERSON, received_at=_local(timezone.now() + timedelta(days=1)), source="gp")
    response = client.post(reverse("referrals:referral-create"), data)
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Referral.objects.exists()


def test_worker_records_a_self_referral_received_by_phone(client, worker, team):
    client.force_login(worker)
    received = timezone.now() - timedelta(days=1)
    data = dict(PERSON, received_at=_local(received), source="self")
    response = client.post(reverse("referrals:referral-create"), data)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.municipality == team.municipality and referral.source == "self"
    assert abs(referral.received_at - received) < timedelta(minutes=1)


def test_missing_required_criterion_answer_shows_an_error(
    client, coordinator, default_criteria, answers
):
    referral = ReferralFactory(municipality=coordinator.municipality)
    client.force_login(coordinator)
    del answers["adult"]
    response = _screen(client, referral, answers)
    assert response.status_code == 200
    assert "it decides eligibility" in response.content.decode()
    assert not referral.scores.exists()


def test_accept_over_capacity_puts_on_the_ranked_waiting_list(
    client, coordinator, tandem, default_criteria, answers
):
    team = tandem.team
    team.capacity = 1
    team.save()
    EpisodeFactory(client=ClientFactory(team=team, tandem=tandem))  # the team is full
    now = timezone.now()
    low_old = ReferralFactory(
        municipality=team.municipality, received_at=now - timedelta(days=30), given_name="LowOld"
    )
    high = ReferralFactory(
        municipality=team.municipality, received_at=now - timedelta(days=5), given_name="High"
    )
    low_new = ReferralFactory(
        municipality=team.municipality, received_at=now - timedelta(days=3), given_name="LowNew"
    )
    client.force_login(coordinator)
    for referral in (low_old, high, low_new):
        answers["housing"] = "street" if referral is high else "stable"
        _screen(client, referral, answers)
        response = client.post(
            reverse("referrals:referral-decide", args=[referral.pk]),
            {
                "decision": "accept",
                "team": team.pk,
                "tandem": tandem.pk,
                "decided_at": _local(now),
            },
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == Status.WAITLISTED and referral.team == team
        assert referral.client is None
    assert Client.objects.filter(team=team).count() == 1

    page = client.get(reverse("referrals:referral-waiting-list")).content.decode()
    assert page.index("High") < page.index("LowOld") < page.index("LowNew")
    assert "1 / 1" in page  # open episodes / capacity

    # A place frees: the waiting referral is accepted from the list.
    Episode.objects.filter(client__team=team).update(
        ended_on=timezone.localdate(), discharge_reason="goals_met"
    )
    client.post(
        reverse("referrals:referral-decide", args=[high.pk]),
        {"decision": "accept", "team": team.pk, "tandem": tandem.pk, "decided_at": _local(now)},
    )
    high.refresh_from_db()
    assert high.status == Status.ACCEPTED and high.client.tandem == tandem


def test_waiting_list_shows_days_waiting(
    client, coordinator, team, default_criteria, answers, origin
):
    referral = ReferralFactory(
        municipality=team.municipality, received_at=timezone.now() - timedelta(days=20)
    )
    from referrals import services

    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    services.referral_waitlist(
        referral=referral,
        actor=coordinator,
        team=team,
        decided_at=timezone.now() - timedelta(days=12),
        origin=origin,
    )
    client.force_login(coordinator)
    page = client.get(reverse("referrals:referral-waiting-list")).content.decode()
    assert referral.given_name in page
    assert '<td data-label="Days waiting">12</td>' in page


def test_clocks_on_the_referral_page(client, coordinator, supervisor, team_client, worker):
    from tests.factories import ContactFactory

    received = timezone.now() - timedelta(days=20)
    referral = ReferralFactory(
        municipality=team_client.team.municipality,
        received_at=received,
        decided_at=received + timedelta(days=4),
        status=Status.ACCEPTED,
        client=team_client,
    )
    ContactFactory(client=team_client, started_at=received - timedelta(days=3))  # before receipt
    ContactFactory(client=team_client, started_at=received + timedelta(days=6), outcome="not_met")
    ContactFactory(client=team_client, started_at=received + timedelta(days=9), mode="phone")
    ContactFactory(client=team_client, started_at=received + timedelta(days=11))
    client.force_login(supervisor)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "<b>4</b>days to decision" in page
    assert "<b>6</b>days to first attempt" in page
    assert "<b>11</b>days to first seen contact" in page
    assert "Open the client record" in page  # a supervisor of the team may open it


def test_referral_detail_audits_the_read(client, coordinator):
    referral = ReferralFactory(municipality=coordinator.municipality)
    client.force_login(coordinator)
    assert client.get(referral.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.filter(
        action="referral.view", object_id=str(referral.pk), actor=coordinator
    ).exists()


def test_home_sends_partner_to_the_referral_list(client, partner):
    client.force_login(partner)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral-list")


def test_coordinator_of_another_municipality_cannot_triage(client, municipality):
    from tests.factories import MunicipalityFactory

    elsewhere = UserFactory(role=Role.COORDINATOR, municipality=MunicipalityFactory())
    referral = ReferralFactory(municipality=municipality)
    client.force_login(elsewhere)
    assert client.get(referral.get_absolute_url()).status_code == 404
    url = reverse("referrals:referral-decide", args=[referral.pk])
    response = client.post(url, {"decision": "withdraw", "decided_at": _local(timezone.now())})
    assert response.status_code == 404
