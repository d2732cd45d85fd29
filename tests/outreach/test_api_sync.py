"""?updated_since= on the core lists (clients, episodes, contacts), for a system that syncs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import Client, Contact, Episode
from tests.factories import ContactFactory


@pytest.mark.parametrize(
    ("url", "model", "make"),
    [
        ("clients", Client, lambda c, w: c),
        ("episodes", Episode, lambda c, w: c.episodes.get()),
        ("contacts", Contact, lambda c, w: ContactFactory(client=c, author=w)),
    ],
)
def test_updated_since(url, model, make, client, worker, team_client):
    row = make(team_client, worker)
    old = timezone.now() - timedelta(days=3)
    model.objects.filter(pk=row.pk).update(updated_at=old)
    client.force_login(worker)
    since = (old + timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"] == []
    since = (old - timedelta(seconds=1)).isoformat()
    rows = client.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"]
    assert [r["id"] for r in rows] == [row.pk]


def test_a_discharge_counts_as_a_change_of_the_episode(client, worker, team_client, origin):
    from outreach.caserecord.services import episode_discharge

    episode = team_client.episodes.get()
    Episode.objects.filter(pk=episode.pk).update(updated_at=timezone.now() - timedelta(days=3))
    episode_discharge(
        episode=episode,
        actor=worker,
        ended_on=timezone.localdate(),
        discharge_reason="goals_met",
        origin=origin,
    )
    client.force_login(worker)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    rows = client.get("/api/v1/episodes/", {"updated_since": since}).json()["results"]
    assert [r["id"] for r in rows] == [episode.pk]


def test_contacts_are_paged_by_a_cursor_with_constant_queries(
    client, worker, team_client, django_assert_num_queries
):
    for _ in range(3):
        ContactFactory(client=team_client, author=worker)
    client.force_login(worker)
    # session, user, the page of contacts, staff, interventions, the audit INSERT, the session
    # save (savepoint, update, release)
    with django_assert_num_queries(9):
        first = client.get("/api/v1/contacts/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and "count" not in first and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert sorted(ids) == sorted(team_client.contacts.values_list("pk", flat=True))
