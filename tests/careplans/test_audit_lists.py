"""Every list read of client data writes one audit row per client shown, in one INSERT
(issue 15, item 6): the API as well as the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careplans import services
from outreach.models import AuditEvent
from tests.factories import ClientFactory, EpisodeFactory, make_origin


def _plans(team, tandem, worker, n):
    clients = []
    for _ in range(n):
        c = ClientFactory(team=team, tandem=tandem)
        episode = EpisodeFactory(client=c, tandem=tandem)
        services.careplan_create(episode=episode, author=worker, origin=make_origin())
        clients.append(c)
    return clients


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_care_plan_api_list_audits_one_row_per_client(client, worker, team, tandem):
    shown = _plans(team, tandem, worker, 3)
    client.force_login(worker)
    response = client.get("/api/v1/careplans/")
    assert response.json()["count"] == 3
    rows = AuditEvent.objects.filter(action="careplan.list")
    assert sorted(rows.values_list("client_id", flat=True)) == sorted(c.pk for c in shown)


@pytest.mark.parametrize("n", [1, 20])
def test_the_care_plan_api_list_queries_do_not_grow(
    client, worker, team, tandem, n, django_assert_num_queries
):
    _plans(team, tandem, worker, n)
    client.force_login(worker)
    client.get("/api/v1/careplans/")
    # session, user, count, the page of plans (one joined query),
    # the audit INSERT of one row per client, session save (savepoint, update, release)
    with django_assert_num_queries(8):
        client.get("/api/v1/careplans/")
    assert AuditEvent.objects.filter(action="careplan.list").count() == 2 * n


def test_the_care_plan_api_list_count_is_the_same_for_1_and_20_plans(client, worker, team, tandem):
    _plans(team, tandem, worker, 1)
    client.force_login(worker)
    client.get("/api/v1/careplans/")
    one = _count_queries(client, "/api/v1/careplans/")
    _plans(team, tandem, worker, 19)
    assert _count_queries(client, "/api/v1/careplans/") == one


def test_the_reviews_due_list_audits_one_row_per_client(client, worker, team_client):
    client.force_login(worker)
    response = client.get("/careplans/reviews/")
    assert response.status_code == 200
    shown = {row.client.pk for row in response.context["rows"]}
    assert shown == {team_client.pk}
    assert (
        set(
            AuditEvent.objects.filter(action="careplan.reviews_due").values_list(
                "client_id", flat=True
            )
        )
        == shown
    )


def test_the_assessments_due_list_audits_one_row_per_client(client, worker, team_client):
    client.force_login(worker)
    response = client.get("/careplans/assessments/due/")
    assert response.status_code == 200
    shown = {row.client.pk for row in response.context["due"]}
    assert AuditEvent.objects.filter(action="assessment.due.view").count() == len(shown)
    assert (
        set(
            AuditEvent.objects.filter(action="assessment.due.view").values_list(
                "client_id", flat=True
            )
        )
        == shown
    )


def test_a_refused_api_read_writes_no_row(client, outsider, team, tandem, worker):
    (plan_client,) = _plans(team, tandem, worker, 1)
    plan = plan_client.episodes.get().careplan
    before = AuditEvent.objects.count()
    client.force_login(outsider)
    assert client.get(f"/api/v1/careplans/{plan.pk}/").status_code == 404
    assert client.get("/api/v1/careplans/").json()["count"] == 0
    assert AuditEvent.objects.count() == before
