"""Caseload and search pages audit one row per client shown, in one INSERT (issue 15, item 6)."""

from __future__ import annotations

from django.urls import reverse

from outreach.models import AuditEvent
from tests.factories import ClientFactory, EpisodeFactory


def _in_care(team, tandem, **fields):
    c = ClientFactory(team=team, tandem=tandem, **fields)
    EpisodeFactory(client=c, tandem=tandem)
    return c


def _audited(action):
    return sorted(AuditEvent.objects.filter(action=action).values_list("client_id", flat=True))


def test_my_caseload_audits_each_client_shown(client, worker, team, tandem):
    shown = [_in_care(team, tandem) for _ in range(3)]
    client.force_login(worker)
    assert client.get(reverse("outreach:caseload")).status_code == 200
    assert _audited("caseload.view") == sorted(c.pk for c in shown)


def test_the_team_caseload_audits_each_client_shown(client, supervisor, team, tandem):
    shown = [_in_care(team, tandem) for _ in range(2)]
    client.force_login(supervisor)
    assert client.get(reverse("outreach:team-caseload")).status_code == 200
    assert _audited("caseload.view") == sorted(c.pk for c in shown)


def test_a_search_audits_each_client_found_and_not_the_others(client, worker, team, tandem):
    found = _in_care(team, tandem, given_name="Zornitsa")
    _in_care(team, tandem, given_name="Petar")
    client.force_login(worker)
    assert client.get(reverse("outreach:client-search"), {"q": "zorn"}).status_code == 200
    assert _audited("client.search") == [found.pk]
