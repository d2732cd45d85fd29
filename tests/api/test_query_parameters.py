"""The API's query parameters mean what the schema says: a parameter given is used or refused
with a 400 that names it, never silently dropped, and no value is a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans.models import CarePlan
from tests.factories import ClientFactory, EpisodeFactory


@pytest.mark.parametrize("url", ["clients", "contacts", "crises", "case-agencies", "referrals"])
def test_an_empty_updated_since_is_refused(client, worker, url):
    client.force_login(worker)
    response = client.get(f"/api/v1/{url}/?updated_since=")
    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_an_offset_postgresql_does_not_know_is_read_not_a_server_error(client, worker, team_client):
    client.force_login(worker)
    # ISO 8601 allows any offset below 24 h; PostgreSQL only up to ±15:59.
    for url in ("case-agencies", "crises", "contacts"):
        response = client.get(
            f"/api/v1/{url}/", {"updated_since": "0095-01-14T12:25:44-21:24", "cursor": ""}
        )
        assert response.status_code == 200, url
    response = client.get(
        "/api/v1/clients/", {"updated_since": "0095-01-14T12:25:44-21:24", "page_size": "5"}
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [team_client.pk]
    later = (timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S-15:59")
    assert client.get("/api/v1/clients/", {"updated_since": later}).json()["results"] == []


@pytest.mark.parametrize("url", ["contacts", "crises", "living-statuses"])
def test_an_empty_client_filter_is_refused(client, worker, url):
    client.force_login(worker)
    response = client.get(f"/api/v1/{url}/?client=")
    assert response.status_code == 400
    assert "client" in response.json()


@pytest.mark.parametrize("url", ["contacts", "crises", "trainings"])
def test_a_page_size_that_is_not_a_number_is_refused(client, worker, url):
    client.force_login(worker)
    response = client.get(f"/api/v1/{url}/", {"page_size": "ten"})
    assert response.status_code == 400
    assert "page_size" in response.json()
    assert client.get(f"/api/v1/{url}/", {"page_size": "3"}).status_code == 200


def test_a_related_row_is_named_by_id_and_another_teams_gives_an_empty_list(
    client, worker, team_client, other_team
):
    """`?careplan=` on plan reviews: a plain id filter (the schema says integer ≥ 1), so an id of
    another team's plan and an id of none answer alike, and neither is a 400."""
    own = CarePlan.objects.get_or_create(episode=team_client.episodes.get())[0]
    other_client = ClientFactory(team=other_team)
    theirs = CarePlan.objects.get_or_create(episode=EpisodeFactory(client=other_client))[0]
    client.force_login(worker)
    for pk in (theirs.pk, 2**31 - 1):
        response = client.get("/api/v1/plan-reviews/", {"careplan": pk})
        assert response.status_code == 200
        assert response.json()["results"] == []
    assert client.get("/api/v1/plan-reviews/", {"careplan": own.pk}).status_code == 200
    assert client.get("/api/v1/plan-reviews/", {"careplan": 0}).status_code == 400


def test_the_due_list_scope_is_mine_or_team(client, worker):
    client.force_login(worker)
    assert client.get("/api/v1/assessments-due/", {"scope": "team"}).status_code == 200
    response = client.get("/api/v1/assessments-due/", {"scope": "everyone"})
    assert response.status_code == 400
    assert "scope" in response.json()


def test_an_id_written_as_a_whole_number_in_another_notation_is_that_id(
    client, worker, team_client
):
    """JSON Schema counts 3.0 and 3e0 as the integer 3; so does `?client=`."""
    client.force_login(worker)
    for raw in (f"{team_client.pk}.0", f"{team_client.pk}e0"):
        response = client.get("/api/v1/contacts/", {"client": raw})
        assert response.status_code == 200, raw
    assert client.get("/api/v1/contacts/", {"client": "1.5"}).status_code == 400
    assert client.get("/api/v1/contacts/", {"client": "1e300"}).status_code == 400
