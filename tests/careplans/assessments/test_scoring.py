"""MANSA and DIALOG recorded through the phone form, scored by the rule stored as data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from careplans.models import Assessment
from outreach.models import AuditEvent
from tests.careplans.assessments.helpers import (
    DIALOG_LIFE,
    DIALOG_TREATMENT,
    MANSA_SCALE,
    MANSA_YES_NO,
    create_url,
    form_data,
)


def test_mansa_form_shows_all_items_as_radio_buttons(client, worker, team_client):
    client.force_login(worker)
    response = client.get(create_url(team_client.pk, "mansa"))
    assert response.status_code == 200
    body = response.content.decode()
    # 12 items x 7 points + 4 yes/no items x 2 answers
    assert body.count('type="radio"') == 12 * 7 + 4 * 2
    # The client prefers Bulgarian (the default), so the questions are in Bulgarian.
    assert "Колко сте доволни от живота си като цяло днес?" in body
    english = client.get(create_url(team_client.pk, "mansa") + "&lang=en").content.decode()
    assert "How satisfied are you with your life as a whole today?" in english


def test_mansa_score_is_the_mean_of_the_12_satisfaction_items(client, worker, team_client):
    client.force_login(worker)
    today = timezone.localdate()
    values = [1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3]  # mean 53/12 = 4.4167
    answers = dict(zip(MANSA_SCALE, values, strict=True))
    answers.update(dict.fromkeys(MANSA_YES_NO, "yes"))
    response = client.post(
        create_url(team_client.pk, "mansa"),
        form_data(answers, on=today, score="7", scores="{}"),  # a posted score is ignored
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(client=team_client)
    assert assessment.score == Decimal("4.4167")
    assert assessment.instrument.code == "mansa"
    assert assessment.instrument_version == "1"
    assert assessment.episode == team_client.episodes.get()
    assert assessment.answers["close_friend"] is True
    assert assessment.answers["life"] == 1
    assert AuditEvent.objects.filter(
        action="assessment.create", client=team_client, object_id=str(assessment.pk)
    ).exists()
    # The yes/no items are not in the score: all "no" on another day, same score.
    answers.update(dict.fromkeys(MANSA_YES_NO, "no"))
    response = client.post(
        create_url(team_client.pk, "mansa"),
        form_data(answers, on=today - timedelta(days=1)),
    )
    assert response.status_code == 302
    other = Assessment.objects.get(client=team_client, assessed_on=today - timedelta(days=1))
    assert other.score == Decimal("4.4167")
    assert other.answers["close_friend"] is False
    listing = client.get(f"/careplans/clients/{team_client.pk}/assessments/").content.decode()
    assert "4.42" in listing


def test_dialog_sub_scores_and_more_help(client, worker, team_client):
    client.force_login(worker)
    life = [2, 3, 4, 5, 6, 7, 1, 2]  # mean 30/8 = 3.75
    treatment = [7, 6, 6]  # mean 19/3 = 6.3333
    answers = dict(zip(DIALOG_LIFE, life, strict=True))
    answers.update(dict(zip(DIALOG_TREATMENT, treatment, strict=True)))
    response = client.post(
        create_url(team_client.pk, "dialog"),
        form_data(
            answers,
            on=timezone.localdate(),
            help_accommodation="on",
            help_medication="on",
        ),
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(client=team_client, instrument__code="dialog")
    assert assessment.score == Decimal("3.7500")
    assert assessment.scores == {"quality_of_life": "3.7500", "treatment_satisfaction": "6.3333"}
    assert assessment.help_wanted == ["accommodation", "medication"]
    detail = client.get(
        f"/careplans/clients/{team_client.pk}/assessments/{assessment.pk}/?lang=en"
    ).content.decode()
    assert "Treatment satisfaction" in detail
    assert "6.33" in detail
    assert detail.count("wants more help") == 2
