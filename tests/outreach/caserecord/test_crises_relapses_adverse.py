"""Crises, relapses, other adverse events and milestones through the HTTP path."""

from __future__ import annotations

from datetime import timedelta

from outreach.models import AdverseEvent, AuditEvent, Crisis, Milestone, Relapse
from tests.factories import ClientFactory, UserFactory
from tests.outreach.caserecord.factories import CrisisFactory, HospitalStayFactory


def test_crisis_with_response_and_mobilised_people(
    post_event, team_client, moment_ago, worker, peer
):
    response = post_event(
        "crisis-create",
        {
            "reported_at": moment_ago(hours=6),
            "reported_by": "sister",
            "first_response_at": moment_ago(hours=5),
            "mobilised_staff": [worker.pk, peer.pk],
            "mobilised_others": "emergency psychiatrist on duty",
            "location": "client's home",
            "outcome": "stayed at home with daily visits",
            "advance_statement_followed": "yes",
        },
    )
    assert response.status_code == 302
    crisis = Crisis.objects.get(client=team_client)
    assert set(crisis.mobilised_staff.all()) == {worker, peer}
    assert crisis.advance_statement_followed == "yes"
    assert AuditEvent.objects.filter(action="crisis.create", client=team_client).exists()


def test_response_before_report_is_refused(post_event, moment_ago):
    response = post_event(
        "crisis-create",
        {"reported_at": moment_ago(hours=2), "first_response_at": moment_ago(hours=3)},
    )
    assert response.status_code == 400
    assert "cannot be before the crisis was reported" in response.content.decode()
    assert not Crisis.objects.exists()


def test_crisis_in_the_future_is_refused(post_event, moment_ago):
    response = post_event("crisis-create", {"reported_at": moment_ago(hours=-3)})
    assert response.status_code == 400
    assert not Crisis.objects.exists()


def test_staff_of_another_team_cannot_be_mobilised(post_event, moment_ago, other_team):
    stranger = UserFactory(teams=[other_team])
    response = post_event(
        "crisis-create", {"reported_at": moment_ago(hours=2), "mobilised_staff": [stranger.pk]}
    )
    assert response.status_code == 400
    assert not Crisis.objects.exists()


def test_first_response_added_later(post_event, team_client, moment_ago):
    crisis = CrisisFactory(client=team_client, first_response_at=None)
    reported = crisis.reported_at
    from django.utils import timezone

    data = {
        "reported_at": timezone.localtime(reported).strftime("%Y-%m-%dT%H:%M"),
        "first_response_at": timezone.localtime(reported + timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "outcome": "calmer",
    }
    assert post_event("crisis-update", data, crisis.pk).status_code == 302
    crisis.refresh_from_db()
    assert crisis.first_response_at is not None and crisis.outcome == "calmer"


def test_relapse_linked_to_its_crisis_and_stay(post_event, team_client, days_ago):
    crisis = CrisisFactory(client=team_client)
    stay = HospitalStayFactory(client=team_client, admitted_on=days_ago(4), discharged_on=None)
    response = post_event(
        "relapse-create",
        {
            "onset_on": days_ago(9),
            "signs": "not sleeping",
            "crisis": crisis.pk,
            "hospital_stay": stay.pk,
        },
    )
    assert response.status_code == 302
    relapse = Relapse.objects.get()
    assert relapse.crisis == crisis and relapse.hospital_stay == stay


def test_relapse_after_the_crisis_it_led_to_is_refused(post_event, team_client, days_ago):
    crisis = CrisisFactory(client=team_client)  # reported 5 days ago
    response = post_event("relapse-create", {"onset_on": days_ago(1), "crisis": crisis.pk})
    assert response.status_code == 400
    assert "reported before its onset" in response.content.decode()
    assert not Relapse.objects.exists()


def test_relapse_cannot_link_another_clients_crisis(post_event, team_client, days_ago):
    other = CrisisFactory(client=ClientFactory(team=team_client.team))
    response = post_event("relapse-create", {"onset_on": days_ago(9), "crisis": other.pk})
    assert response.status_code == 400
    assert not Relapse.objects.exists()


def test_relapse_in_the_future_is_refused(post_event, days_ago):
    response = post_event("relapse-create", {"onset_on": days_ago(-1)})
    assert response.status_code == 400
    assert not Relapse.objects.exists()


def test_adverse_events(post_event, team_client, days_ago, events_page):
    for kind in [
        "self_harm",
        "suicide_attempt",
        "police_involvement",
        "arrest",
        "eviction",
        "death",
    ]:
        assert (
            post_event(
                "adverseevent-create", {"kind": kind, "occurred_on": days_ago(3)}
            ).status_code
            == 302
        )
    assert AdverseEvent.objects.filter(client=team_client).count() == 6
    body = events_page()
    assert "Suicide attempt" in body and "Eviction" in body


def test_adverse_event_invalid(post_event, days_ago):
    assert (
        post_event(
            "adverseevent-create", {"kind": "self_harm", "occurred_on": days_ago(-2)}
        ).status_code
        == 400
    )
    assert (
        post_event(
            "adverseevent-create", {"kind": "burglary", "occurred_on": days_ago(2)}
        ).status_code
        == 400
    )
    assert not AdverseEvent.objects.exists()


def test_milestone(post_event, team_client, days_ago, events_page):
    assert (
        post_event(
            "milestone-create", {"kind": "id_document", "achieved_on": days_ago(1)}
        ).status_code
        == 302
    )
    assert Milestone.objects.get(client=team_client).kind == "id_document"
    assert "Identity document obtained" in events_page()
    assert (
        post_event("milestone-create", {"kind": "housing", "achieved_on": days_ago(-1)}).status_code
        == 400
    )
    assert Milestone.objects.count() == 1
