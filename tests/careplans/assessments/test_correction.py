"""The worker who recorded an assessment corrects it; it is rescored and the change audited."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from careplans.models import Assessment
from outreach.models import AuditEvent
from tests.careplans.assessments.helpers import MANSA_SCALE, MANSA_YES_NO, create_url, form_data


def _mansa(value=4):
    answers = dict.fromkeys(MANSA_SCALE, value)
    answers.update(dict.fromkeys(MANSA_YES_NO, "no"))
    return answers


def _record(client, worker, team_client, on):
    client.force_login(worker)
    response = client.post(create_url(team_client.pk, "mansa"), form_data(_mansa(), on=on))
    assert response.status_code == 302
    return Assessment.objects.get(client=team_client, assessed_on=on)


def test_author_corrects_an_answer_and_the_score_follows(client, worker, team_client):
    today = timezone.localdate()
    assessment = _record(client, worker, team_client, today)
    url = reverse("careplans:assessment-update", args=[team_client.pk, assessment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["item_life"].value() == "4"
    assert page.context["form"]["item_close_friend"].value() == "no"
    answers = _mansa()
    answers["life"] = 7  # 4 * 11 + 7 = 51 / 12 = 4.25
    response = client.post(url, form_data(answers, on=today, score="1"))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.score == Decimal("4.2500")
    event = AuditEvent.objects.get(action="assessment.update", object_id=str(assessment.pk))
    assert event.detail["changed"] == ["score"]
    assert event.detail["before"]["score"] == "4.0000"


def test_correction_is_refused_for_invalid_input_and_other_workers(
    client, worker, peer, outsider, team_client
):
    today = timezone.localdate()
    first = _record(client, worker, team_client, today - timedelta(days=1))
    _record(client, worker, team_client, today)
    url = reverse("careplans:assessment-update", args=[team_client.pk, first.pk])
    # Moving it onto the date of the other one is refused; nothing changes.
    response = client.post(url, form_data(_mansa(6), on=today))
    assert response.status_code == 400
    assert "There is already a" in response.context["form"].errors["assessed_on"][0]
    response = client.post(url, form_data({**_mansa(), "life": 9}, on=first.assessed_on))
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.score == Decimal("4.0000") and first.assessed_on == today - timedelta(days=1)
    assert not AuditEvent.objects.filter(action="assessment.update").exists()
    client.force_login(peer)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(_mansa(6), on=first.assessed_on)).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    first.refresh_from_db()
    assert first.score == Decimal("4.0000")
