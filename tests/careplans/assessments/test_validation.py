"""Bad input is refused with a clear message and nothing saved; other teams get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans.models import Assessment
from outreach.models import AuditEvent
from tests.careplans.assessments.factories import AssessmentFactory
from tests.careplans.assessments.helpers import MANSA_SCALE, MANSA_YES_NO, create_url, form_data


def _mansa(value=4, yes_no="yes"):
    answers = dict.fromkeys(MANSA_SCALE, value)
    answers.update(dict.fromkeys(MANSA_YES_NO, yes_no))
    return answers


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"life": 8}, "item_life"),
        ({"life": 0}, "item_life"),
        ({"job": "3.5"}, "item_job"),
        ({"close_friend": "maybe"}, "item_close_friend"),
        ({"mental_health": ""}, "item_mental_health"),
    ],
)
def test_invalid_answer_is_rejected_and_nothing_saved(client, worker, team_client, change, field):
    client.force_login(worker)
    answers = _mansa()
    answers.update(change)
    response = client.post(
        create_url(team_client.pk, "mansa"), form_data(answers, on=timezone.localdate())
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Nothing was saved" in response.content.decode()
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action="assessment.create").exists()


def test_missing_item_is_rejected(client, worker, team_client):
    client.force_login(worker)
    answers = _mansa()
    del answers["sex_life"]
    response = client.post(
        create_url(team_client.pk, "mansa"), form_data(answers, on=timezone.localdate())
    )
    assert response.status_code == 400
    assert "Please answer this question." in response.context["form"].errors["item_sex_life"]
    assert not Assessment.objects.exists()


def test_future_date_is_rejected(client, worker, team_client):
    client.force_login(worker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(create_url(team_client.pk, "mansa"), form_data(_mansa(), on=tomorrow))
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.context["form"].errors["assessed_on"]
    assert not Assessment.objects.exists()


def test_date_before_the_episode_start_is_rejected(client, worker, team_client):
    client.force_login(worker)
    start = team_client.episodes.get().started_on
    response = client.post(
        create_url(team_client.pk, "mansa"),
        form_data(_mansa(), on=start - timedelta(days=1)),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["assessed_on"]
    assert errors == [f"The date is before the episode started ({start.isoformat()})."]
    assert not Assessment.objects.exists()


def test_one_assessment_per_instrument_per_client_per_date(client, worker, team_client):
    client.force_login(worker)
    today = timezone.localdate()
    first = client.post(create_url(team_client.pk, "mansa"), form_data(_mansa(), on=today))
    assert first.status_code == 302
    second = client.post(create_url(team_client.pk, "mansa"), form_data(_mansa(5), on=today))
    assert second.status_code == 400
    message = second.context["form"].errors["assessed_on"][0]
    assert "There is already a" in message and today.isoformat() in message
    assert Assessment.objects.get().score == 4
    # Another instrument the same day is fine.
    dialog = dict.fromkeys(
        [
            "mental_health",
            "physical_health",
            "job",
            "accommodation",
            "leisure",
            "partner_family",
            "friendships",
            "safety",
            "medication",
            "practical_help",
            "meetings",
        ],
        5,
    )
    third = client.post(create_url(team_client.pk, "dialog"), form_data(dialog, on=today))
    assert third.status_code == 302
    assert Assessment.objects.count() == 2


def test_unknown_instrument_offers_the_ones_in_use(client, worker, team_client):
    client.force_login(worker)
    response = client.get(create_url(team_client.pk, "nosuch"))
    assert response.status_code == 404
    body = response.content.decode()
    assert "?instrument=mansa" in body and "?instrument=dialog" in body


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_other_teams_and_roles_get_404(client, users_by_role, team_client, role):
    assessment = AssessmentFactory(client=team_client)
    client.force_login(users_by_role[role])
    base = f"/careplans/clients/{team_client.pk}/assessments/"
    for url in (
        base,
        base + "summary/",
        base + f"{assessment.pk}/",
        create_url(team_client.pk, "mansa"),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        create_url(team_client.pk, "mansa"), form_data(_mansa(), on=timezone.localdate())
    )
    assert response.status_code == 404
    assert Assessment.objects.count() == 1


def test_assessment_of_another_client_is_404_under_this_client(client, worker, team_client):
    from tests.factories import ClientFactory, EpisodeFactory

    other = ClientFactory(team=team_client.team)
    EpisodeFactory(client=other)
    assessment = AssessmentFactory(client=other)
    client.force_login(worker)
    url = f"/careplans/clients/{team_client.pk}/assessments/{assessment.pk}/"
    assert client.get(url).status_code == 404


def test_every_view_is_audited(client, worker, team_client):
    assessment = AssessmentFactory(client=team_client)
    client.force_login(worker)
    base = f"/careplans/clients/{team_client.pk}/assessments/"
    client.get(base)
    client.get(base + "summary/")
    client.get(base + f"{assessment.pk}/")
    actions = list(
        AuditEvent.objects.filter(client=team_client, actor=worker).values_list("action", flat=True)
    )
    assert actions.count("assessment.list") == 2
    assert "assessment.view" in actions
