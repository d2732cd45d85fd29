from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Contact
from tests.factories import ClientFactory, ContactFactory, EpisodeFactory, TandemFactory


def _client_in_care(team, tandem, **kwargs):
    c = ClientFactory(team=team, tandem=tandem, **kwargs)
    EpisodeFactory(client=c, tandem=tandem)
    return c


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("outreach:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_worker_sees_own_tandem_clients_with_flags(client, worker, team, tandem):
    now = timezone.now()
    recent = _client_in_care(team, tandem, given_name="Recent", family_name="Seen")
    ContactFactory(client=recent, started_at=now - timedelta(days=3))
    stale = _client_in_care(team, tandem, given_name="Stale", family_name="Twenty")
    ContactFactory(client=stale, started_at=now - timedelta(days=20))
    # A failed attempt yesterday does not count as seen.
    ContactFactory(
        client=stale,
        started_at=now - timedelta(days=1),
        outcome=Contact.Outcome.NOT_MET,
        failure_reason="not_found",
    )
    lost = _client_in_care(team, tandem, given_name="Lost", family_name="Forty")
    ContactFactory(client=lost, started_at=now - timedelta(days=40))
    other_tandem = TandemFactory(team=team)
    _client_in_care(team, other_tandem, given_name="Other", family_name="Tandem")

    client.force_login(worker)
    response = client.get(reverse("outreach:caseload"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Recent Seen" in body and "Stale Twenty" in body and "Lost Forty" in body
    assert "Other Tandem" not in body  # my caseload = my tandem's clients
    rows = {c.family_name: f.level for c, f in response.context["rows"]}
    assert rows == {"Seen": "ok", "Twenty": "14", "Forty": "30"}
    assert response.context["counts"]["not_seen_14"] == 2
    assert response.context["counts"]["not_seen_30"] == 1

    # The whole team on request; filter to those not seen for 30 days.
    response = client.get(reverse("outreach:caseload"), {"scope": "team", "flag": "30"})
    names = [c.family_name for c, _f in response.context["rows"]]
    assert names == ["Forty", "Tandem"]  # never seen counts as not seen


def test_a_client_accepted_under_14_days_ago_is_not_yet_late(client, worker, team, tandem):
    today = timezone.localdate()
    new = ClientFactory(team=team, tandem=tandem, given_name="Just", family_name="Accepted")
    EpisodeFactory(client=new, tandem=tandem, started_on=today - timedelta(days=13))
    waiting = ClientFactory(team=team, tandem=tandem, given_name="Still", family_name="Waiting")
    EpisodeFactory(client=waiting, tandem=tandem, started_on=today - timedelta(days=20))
    client.force_login(worker)
    response = client.get(reverse("outreach:caseload"))
    rows = {c.family_name: f.level for c, f in response.context["rows"]}
    assert rows == {"Accepted": "new", "Waiting": "never"}
    assert response.context["counts"]["not_seen_14"] == 1
    assert response.context["counts"]["not_seen_30"] == 0
    assert "not yet seen (new)" in response.content.decode()
    flagged = client.get(reverse("outreach:caseload"), {"flag": "14"}).context["rows"]
    assert [c.family_name for c, _f in flagged] == ["Waiting"]


def test_sort_by_longest_not_seen(client, worker, team, tandem):
    now = timezone.now()
    for name, days in [("A", 3), ("B", 50), ("C", 20)]:
        c = _client_in_care(team, tandem, family_name=name)
        ContactFactory(client=c, started_at=now - timedelta(days=days))
    client.force_login(worker)
    response = client.get(reverse("outreach:caseload"), {"sort": "last_seen"})
    assert [c.family_name for c, _f in response.context["rows"]] == ["B", "C", "A"]


def test_caseload_is_audited(client, worker, team_client):
    client.force_login(worker)
    client.get(reverse("outreach:caseload"))
    assert AuditEvent.objects.filter(actor=worker, action="caseload.view").count() == 1


def test_supervisor_team_view_shows_tandem_load(client, supervisor, team, tandem, team_client):
    client.force_login(supervisor)
    response = client.get(reverse("outreach:team-caseload"))
    assert response.status_code == 200
    assert "Maria Ivanova" in response.content.decode()
    loads = {t.pk: t.clients_in_care for t in response.context["tandems"]}
    assert loads == {tandem.pk: 1}


def test_outsider_sees_none_of_the_team(client, outsider, team_client):
    client.force_login(outsider)
    response = client.get(reverse("outreach:caseload"), {"scope": "team"})
    assert "Ivanova" not in response.content.decode()
    assert (
        client.get(reverse("outreach:team-caseload"), {"team": team_client.team_id}).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["partner", "coordinator", "admin"])
def test_roles_without_client_records_get_404(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("outreach:caseload")).status_code == 404
    assert client.get(reverse("outreach:team-caseload")).status_code == 404


@pytest.mark.parametrize("clients", [1, 50])
def test_caseload_queries_do_not_grow(
    client, worker, team, tandem, clients, django_assert_num_queries
):
    for _ in range(clients):
        c = _client_in_care(team, tandem)
        ContactFactory(client=c)
        ContactFactory(client=c, started_at=timezone.now() - timedelta(days=2))
    client.force_login(worker)
    client.get(reverse("outreach:caseload"))
    # session, user, teams for the filter, the caseload (one query with subqueries),
    # audit insert, session save (savepoint, update, release: the idle timeout renews it)
    with django_assert_num_queries(8):
        response = client.get(reverse("outreach:caseload"))
    assert len(response.context["rows"]) == clients


@pytest.mark.parametrize("clients", [1, 50])
def test_team_caseload_queries_do_not_grow(
    client, supervisor, team, tandem, clients, django_assert_num_queries
):
    for _ in range(clients):
        _client_in_care(team, tandem)
    client.force_login(supervisor)
    client.get(reverse("outreach:team-caseload"))
    # session, user, teams, caseload, tandem load, the supervisor's teams and the role and team
    # changes touching them, the uses of emergency access waiting for review and their count in
    # the menu, the share of staff trained in rights-based approaches (one per team), audit
    # insert, session save (3)
    with django_assert_num_queries(14):
        response = client.get(reverse("outreach:team-caseload"))
    assert len(response.context["rows"]) == clients
