"""The care-plan pages show each role the actions the access module allows, as before."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from careplans.models import Assessment
from tests.careplans.assessments.helpers import MANSA_SCALE, MANSA_YES_NO, create_url, form_data


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_plan_page_offers_sign_off_to_the_tandem_and_editing_to_the_supervisor_too(
    client, worker, peer, supervisor, plan
):
    url = reverse("careplans:careplan-detail", args=[plan.pk])
    edit = reverse("careplans:careplan-update", args=[plan.pk])
    for user, signs in ((worker, True), (peer, True), (supervisor, False)):
        page = _page(client, user, url)
        assert ("Sign off version" in page) is signs, user
        assert edit in page, user


def test_reviews_due_switches_scope_for_workers_only(client, worker, supervisor):
    url = reverse("careplans:reviews-due")
    assert "?scope=team" in _page(client, worker, url)
    page = _page(client, supervisor, url)
    assert "?scope=team" not in page and "Whole team" not in page


def test_only_the_author_is_offered_to_correct_an_assessment(client, worker, peer, team_client):
    answers = dict.fromkeys(MANSA_SCALE, 4) | dict.fromkeys(MANSA_YES_NO, "no")
    client.force_login(worker)
    today = timezone.localdate()
    client.post(create_url(team_client.pk, "mansa"), form_data(answers, on=today))
    assessment = Assessment.objects.get(client=team_client, assessed_on=today)
    url = reverse("careplans:assessment-detail", args=[team_client.pk, assessment.pk])
    correct = reverse("careplans:assessment-update", args=[team_client.pk, assessment.pk])
    assert correct in _page(client, worker, url)
    assert correct not in _page(client, peer, url)
