"""The list of a client's assessments: scores over time, queries constant in the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans.models import Instrument
from tests.careplans.assessments.factories import AssessmentFactory, InstrumentFactory


def _add(team_client, worker, n):
    dialog = Instrument.objects.get(code="dialog")
    today = timezone.localdate()
    for day in range(n):
        AssessmentFactory(
            client=team_client,
            author=worker,
            assessed_on=today - timedelta(days=day),
            score=3 + day % 4,
        )
        AssessmentFactory(
            client=team_client,
            author=worker,
            instrument=dialog,
            assessed_on=today - timedelta(days=day),
            score=4,
            scores={"quality_of_life": "4.0000", "treatment_satisfaction": "5.5000"},
        )


@pytest.mark.parametrize("n", [1, 8])
@pytest.mark.parametrize("name", ["careplans:assessment-list", "careplans:client-assessments"])
def test_queries_do_not_grow_with_the_assessments(
    client, worker, team_client, django_assert_num_queries, n, name
):
    _add(team_client, worker, n)
    client.force_login(worker)
    url = reverse(name, args=[team_client.pk])
    # session, user, client (+team, tandem), audit insert, instruments in use,
    # assessments (+instrument, author), the client with its open episode start, the
    # assessments that count for the clock, savepoint + session update + release
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Treatment satisfaction" in body or name.endswith("client-assessments")


def test_list_shows_scores_over_time_and_change(client, worker, team_client):
    today = timezone.localdate()
    AssessmentFactory(client=team_client, assessed_on=today - timedelta(days=60), score="3.25")
    AssessmentFactory(
        client=team_client, assessed_on=today, score="4.5", timepoint="month_3", author=worker
    )
    client.force_login(worker)
    body = client.get(reverse("careplans:assessment-list", args=[team_client.pk])).content.decode()
    assert body.index("3.25") < body.index("4.50")  # oldest first
    assert "+1.25" in body
    summary = client.get(
        reverse("careplans:client-assessments", args=[team_client.pk])
    ).content.decode()
    assert "4.50" in summary and "+1.25" in summary
    assert "<html" not in summary


@pytest.mark.parametrize("name", ["careplans:assessment-list", "careplans:client-assessments"])
def test_a_new_instrument_is_offered_by_its_name(client, worker, team_client, name):
    InstrumentFactory(code="wemwbs", name="Warwick-Edinburgh Wellbeing", name_bg="Благополучие")
    client.force_login(worker)
    body = client.get(reverse(name, args=[team_client.pk])).content.decode()
    assert "New Warwick-Edinburgh Wellbeing" in body
    assert "New WEMWBS" not in body
