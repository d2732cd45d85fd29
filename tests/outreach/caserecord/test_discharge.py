"""Closing an episode: reason, handover, and an exit survey that cannot be traced to the client."""

from __future__ import annotations

import uuid

from django.db import models

from outreach.models import AuditEvent, Discharge, Episode, ExitSurvey

SURVEY = {
    "survey-coercion_experienced": "no",
    "survey-felt_respected": "yes",
    "survey-advance_statement_upheld": "partly",
    "survey-peer_support_offered": "yes",
    "survey-community_inclusion": "not_say",
}


def _close(post_event, episode, **data):
    return post_event("episode-discharge", data, episode.pk)


def test_discharge_with_handover_and_exit_survey(
    post_event, team_client, days_ago, today, events_page
):
    episode = team_client.episodes.get()
    response = _close(
        post_event,
        episode,
        ended_on=days_ago(1),
        discharge_reason="client_ended",
        handover_to="GP Dr. Petrova",
        handover_plan="monthly visits at the GP; the sister knows whom to call",
        **SURVEY,
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.ended_on.isoformat() == days_ago(1)
    assert episode.discharge_reason == "client_ended"
    assert Discharge.objects.get(episode=episode).handover_to == "GP Dr. Petrova"
    survey = ExitSurvey.objects.get()
    assert survey.felt_respected == "yes" and survey.advance_statement_upheld == "partly"
    assert survey.month == episode.ended_on.replace(day=1)
    assert survey.municipality_id == team_client.team.municipality_id
    assert "Client ended the relationship" in events_page()


def test_exit_survey_cannot_be_linked_to_the_client(post_event, team_client, days_ago):
    episode = team_client.episodes.get()
    _close(post_event, episode, ended_on=days_ago(1), discharge_reason="goals_met", **SURVEY)
    survey = ExitSurvey.objects.get()
    # No relation to a client, an episode, a user or any record of the client; no time stamp.
    related = {f.related_model for f in ExitSurvey._meta.get_fields() if f.is_relation}
    assert related <= {type(team_client.team.municipality)}
    kinds = {type(f) for f in ExitSurvey._meta.get_fields()}
    assert models.DateTimeField not in kinds
    assert isinstance(survey.pk, uuid.UUID)  # no sequence that follows the order of discharges
    values = {
        str(getattr(survey, f.attname))
        for f in ExitSurvey._meta.concrete_fields
        if f.name != "municipality"
    }
    for identifying in [team_client.pk, team_client.code, episode.pk, team_client.family_name]:
        assert str(identifying) not in values
    assert not any(str(episode.ended_on) == v for v in values)  # the month only, not the day
    # The audit trail of the discharge names the episode, never the survey.
    for event in AuditEvent.objects.all():
        assert str(survey.pk) not in f"{event.object_id} {event.detail}"
        assert event.object_type != "outreach.exitsurvey"


def test_discharge_without_survey_stores_none(post_event, team_client, days_ago):
    episode = team_client.episodes.get()
    assert (
        _close(post_event, episode, ended_on=days_ago(0), discharge_reason="moved_away").status_code
        == 302
    )
    assert not ExitSurvey.objects.exists()
    assert AuditEvent.objects.filter(action="episode.discharge", client=team_client).exists()


def test_discharge_invalid_cases_save_nothing(post_event, team_client, days_ago):
    episode = team_client.episodes.get()
    before_start = _close(
        post_event, episode, ended_on=days_ago(200), discharge_reason="goals_met", **SURVEY
    )
    assert before_start.status_code == 400
    assert "An episode cannot end before it starts." in before_start.content.decode()
    future = _close(post_event, episode, ended_on=days_ago(-1), discharge_reason="goals_met")
    assert future.status_code == 400
    no_reason = _close(post_event, episode, ended_on=days_ago(1))
    assert no_reason.status_code == 400
    episode.refresh_from_db()
    assert episode.ended_on is None
    assert not Discharge.objects.exists() and not ExitSurvey.objects.exists()


def test_closed_episode_cannot_be_closed_again(post_event, team_client, days_ago):
    episode = team_client.episodes.get()
    _close(post_event, episode, ended_on=days_ago(2), discharge_reason="goals_met")
    again = _close(post_event, episode, ended_on=days_ago(1), discharge_reason="died", **SURVEY)
    assert again.status_code == 400
    assert Episode.objects.get().discharge_reason == "goals_met"
    assert not ExitSurvey.objects.exists()


def test_exit_surveys_are_reported_by_month_and_municipality(post_event, team_client, days_ago):
    from outreach.caserecord.selectors import exit_survey_counts

    episode = team_client.episodes.get()
    _close(post_event, episode, ended_on=days_ago(1), discharge_reason="goals_met", **SURVEY)
    ended = Episode.objects.get().ended_on
    counts = exit_survey_counts(
        municipality_ids=[team_client.team.municipality_id], first_month=ended, last_month=ended
    )
    assert counts["n"] == 1
    assert counts["felt_respected"]["yes"] == 1 and counts["felt_respected"]["no"] == 0
    assert counts["community_inclusion"]["not_say"] == 1
