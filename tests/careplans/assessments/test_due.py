"""Due assessments follow the months 0/3/6/9 clock of the client's open episode."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans.assessments.selectors import assessments_due, due_dates
from careplans.models import Assessment, Instrument
from outreach.dates import add_months
from outreach.models import AuditEvent
from tests.careplans.assessments.factories import AssessmentFactory
from tests.factories import ClientFactory, EpisodeFactory


def test_clock_of_an_episode_started_on_january_31():
    assert due_dates(date(2025, 1, 31)) == [
        ("baseline", date(2025, 1, 31)),
        ("month_3", date(2025, 4, 30)),
        ("month_6", date(2025, 7, 31)),
        ("month_9", date(2025, 10, 31)),
    ]


@pytest.fixture
def jan31_client(team, tandem):
    client = ClientFactory(team=team, tandem=tandem, given_name="Petar", family_name="Petrov")
    EpisodeFactory(client=client, tandem=tandem, started_on=date(2025, 1, 31))
    return client


def _due(user, today):
    return [
        (d.client.family_name, d.instrument.code, d.timepoint, d.due_on, d.overdue)
        for d in assessments_due(user=user, today=today)
    ]


def test_due_follows_the_clock_with_month_end_edge_case(worker, jan31_client):
    # Only MANSA is on the clock by default; DIALOG is used when the tandem chooses.
    assert _due(worker, date(2025, 1, 31)) == [
        ("Petrov", "mansa", "baseline", date(2025, 1, 31), False)
    ]
    AssessmentFactory(client=jan31_client, assessed_on=date(2025, 2, 3), timepoint="baseline")
    assert _due(worker, date(2025, 2, 3)) == []
    assert _due(worker, date(2025, 4, 29)) == []
    assert _due(worker, date(2025, 4, 30)) == [
        ("Petrov", "mansa", "month_3", date(2025, 4, 30), False)
    ]
    assert _due(worker, date(2025, 5, 14)) == [
        ("Petrov", "mansa", "month_3", date(2025, 4, 30), False)
    ]
    # Overdue from the 15th day after the due date.
    assert _due(worker, date(2025, 5, 15)) == [
        ("Petrov", "mansa", "month_3", date(2025, 4, 30), True)
    ]
    # A missed month 3 is replaced by month 6 when it comes.
    assert _due(worker, date(2025, 7, 31))[0][2:4] == ("month_6", date(2025, 7, 31))


def test_assessment_without_timepoint_near_the_due_date_counts(worker, jan31_client):
    AssessmentFactory(client=jan31_client, assessed_on=date(2025, 1, 31), timepoint="baseline")
    AssessmentFactory(client=jan31_client, assessed_on=date(2025, 4, 10), timepoint="")
    assert _due(worker, date(2025, 5, 20)) == []
    # An imported one long before the due date does not.
    AssessmentFactory(client=jan31_client, assessed_on=date(2025, 6, 1), timepoint="")
    assert _due(worker, date(2025, 8, 1))[0][2] == "month_6"


def test_baseline_of_another_instrument_does_not_count(worker, jan31_client):
    dialog = Instrument.objects.get(code="dialog")
    AssessmentFactory(
        client=jan31_client, instrument=dialog, assessed_on=date(2025, 2, 1), timepoint="baseline"
    )
    assert _due(worker, date(2025, 2, 2))[0][1:3] == ("mansa", "baseline")


def test_closed_episodes_and_other_teams_have_nothing_due(worker, outsider, jan31_client):
    assert _due(outsider, date(2025, 5, 1)) == []
    episode = jan31_client.episodes.get()
    episode.ended_on = date(2025, 3, 1)
    episode.discharge_reason = "goals_met"
    episode.save()
    assert _due(worker, date(2025, 5, 1)) == []


def test_due_page_lists_overdue_clients_for_the_worker_and_supervisor(
    client, worker, supervisor, outsider, team_client
):
    start = timezone.localdate() - timedelta(days=20)
    team_client.episodes.update(started_on=start)
    for user in (worker, supervisor):
        client.force_login(user)
        response = client.get(reverse("careplans:assessment-due") + "?scope=team")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Maria Ivanova" in body
        assert "overdue by 20 days" in body
    assert AuditEvent.objects.filter(action="assessment.due.view").count() == 2
    client.force_login(outsider)
    assert "Maria Ivanova" not in client.get(reverse("careplans:assessment-due")).content.decode()


def test_recording_the_due_assessment_clears_it(client, worker, team_client):
    team_client.episodes.update(started_on=add_months(timezone.localdate(), -4))
    client.force_login(worker)
    list_url = reverse("careplans:assessment-list", args=[team_client.pk])
    assert "Month 3: overdue by" in client.get(list_url).content.decode()
    # The form suggests the timepoint of the clock.
    form = client.get(
        reverse("careplans:assessment-create", args=[team_client.pk]) + "?instrument=mansa"
    )
    assert form.context["form"]["timepoint"].value() == "month_3"
    AssessmentFactory(client=team_client, timepoint=Assessment.Timepoint.MONTH_3)
    assert "overdue" not in client.get(list_url).content.decode()


def test_form_suggests_other_once_the_timepoint_is_recorded(client, worker, team_client):
    team_client.episodes.update(started_on=add_months(timezone.localdate(), -4))
    AssessmentFactory(client=team_client, timepoint=Assessment.Timepoint.MONTH_3)
    client.force_login(worker)
    url = reverse("careplans:assessment-create", args=[team_client.pk])
    assert client.get(url + "?instrument=mansa").context["form"]["timepoint"].value() == "other"
    # DIALOG was not recorded at month 3 yet.
    assert client.get(url + "?instrument=dialog").context["form"]["timepoint"].value() == "month_3"


def test_after_month_9_follow_ups_are_due_every_three_months(worker, jan31_client):
    assert due_dates(date(2025, 1, 31), until=date(2026, 2, 1))[4:] == [
        ("follow_up", date(2026, 1, 31)),
        ("follow_up", date(2026, 4, 30)),
    ]
    for timepoint, day in [
        ("baseline", date(2025, 1, 31)),
        ("month_3", date(2025, 4, 30)),
        ("month_6", date(2025, 7, 31)),
        ("month_9", date(2025, 10, 31)),
    ]:
        AssessmentFactory(client=jan31_client, assessed_on=day, timepoint=timepoint)
    assert _due(worker, date(2026, 1, 30)) == []
    assert _due(worker, date(2026, 1, 31)) == [
        ("Petrov", "mansa", "follow_up", date(2026, 1, 31), False)
    ]
    AssessmentFactory(client=jan31_client, assessed_on=date(2026, 2, 2), timepoint="follow_up")
    assert _due(worker, date(2026, 4, 29)) == []
    # The month-12 follow-up does not count for month 15.
    assert _due(worker, date(2026, 4, 30)) == [
        ("Petrov", "mansa", "follow_up", date(2026, 4, 30), False)
    ]
