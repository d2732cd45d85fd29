"""The access report: supervisors for their teams, the data-protection officer for a municipality."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from outreach import access, audit
from outreach.emergency import report, services
from outreach.models import AuditEvent, Role
from tests.access_people import answers, only, people
from tests.factories import (
    ClientFactory,
    ContactFactory,
    MunicipalityFactory,
    TeamFactory,
    UserFactory,
    make_origin,
)

__all__ = ["people"]  # the fixture

URL = "/access-report/"
REASON = "Crisis call at night: I need the crisis plan to act on it now."


def _read(user, client, action="client.view", **detail):
    return audit.record(
        action=action, actor=user, target=client, origin=make_origin(user), detail=detail
    )


def test_who_has_the_report(people):
    assert answers(access.sees_access_report, people) == only(
        {"supervisor", "outside_supervisor", "dpo"}
    )


def test_dpo_without_a_municipality_has_no_report(municipality):
    assert not access.sees_access_report(UserFactory(role=Role.DPO))


def test_the_dpo_sees_no_client_record(people):
    dpo = people["dpo"]
    assert not access.visible_clients(dpo).exists()
    assert not access.readable_clients(dpo).exists()
    assert not access.can_request_emergency_access(dpo)
    assert access.start_page(dpo) == "outreach:access-report"


def test_scope_of_the_report(supervisor, outside_supervisor, dpo, team_client, other_team, worker):
    far = TeamFactory(municipality=MunicipalityFactory())
    other_client = ClientFactory(team=other_team)
    far_client = ClientFactory(team=far)
    for c in (team_client, other_client, far_client):
        _read(worker, c)
    clients_of = {
        u.username: set(access.access_report_events(u).values_list("client_id", flat=True))
        for u in (supervisor, outside_supervisor, dpo)
    }
    assert clients_of[supervisor.username] == {team_client.pk}
    assert clients_of[outside_supervisor.username] == {other_client.pk}
    assert clients_of[dpo.username] == {team_client.pk, other_client.pk}


@pytest.mark.parametrize("role", ["worker", "peer", "outsider", "coordinator", "partner", "admin"])
def test_others_get_404(role, client, users_by_role):
    client.force_login(users_by_role[role])
    assert client.get(URL).status_code == 404
    assert client.get(URL + "?export=csv").status_code == 404


def test_dpo_sees_codes_and_no_clinical_content(client, dpo, worker, team_client):
    ContactFactory(client=team_client, author=worker, note="Secret clinical note")
    _read(worker, team_client)
    client.force_login(dpo)
    html = client.get(URL).content.decode()
    assert team_client.code in html
    assert team_client.family_name not in html and team_client.given_name not in html
    assert "Secret clinical note" not in html
    # The report's link filters by code; it never opens the record.
    assert team_client.get_absolute_url() not in html


def test_emergency_uses_are_highlighted(client, supervisor, outsider, team_client, worker):
    _read(worker, team_client)
    grant = services.emergency_access_grant(
        user=outsider, client=team_client, reason=REASON, origin=make_origin(outsider)
    )
    _read(outsider, team_client, emergency=True, grant=grant.pk)
    client.force_login(supervisor)
    response = client.get(URL)
    rows = {(e.action, e.actor_username): e.emergency for e in response.context["page"]}
    assert rows[("emergency_access.grant", outsider.username)] is True
    assert rows[("client.view", outsider.username)] is True
    assert rows[("client.view", worker.username)] is False
    assert response.content.decode().count('class="emergency-row"') == 2
    only_emergency = client.get(URL, {"kind": "emergency"}).context["page"]
    assert {e.actor_username for e in only_emergency} == {outsider.username}


def test_filters_by_client_user_and_period(client, supervisor, worker, peer, team, tandem):
    a = ClientFactory(team=team, tandem=tandem)
    b = ClientFactory(team=team, tandem=tandem)
    _read(worker, a)
    _read(peer, b)
    _read(worker, b)
    client.force_login(supervisor)

    def actors(**params):
        page = client.get(URL, params).context["page"]
        return sorted((e.actor_username, e.client.code) for e in page)

    assert actors(client=a.code) == [(worker.username, a.code)]
    assert actors(user=peer.username) == [(peer.username, b.code)]
    today = timezone.localdate()
    assert len(actors(since=today.isoformat(), until=today.isoformat())) == 3
    assert actors(until=(today - timedelta(days=1)).isoformat()) == []
    assert client.get(URL, {"since": "not a date"}).status_code == 200


def test_reads_and_changes(client, supervisor, worker, team_client):
    _read(worker, team_client)
    _read(worker, team_client, action="contact.create")
    client.force_login(supervisor)
    reads = client.get(URL, {"kind": "read"}).context["page"]
    changes = client.get(URL, {"kind": "change"}).context["page"]
    assert {e.action for e in reads} >= {"client.view"}
    assert "contact.create" not in {e.action for e in reads}
    assert {e.action for e in changes} == {"contact.create"}


def test_csv_export_escapes_formulas_and_is_audited(client, supervisor, team, tandem, worker):
    evil = UserFactory(username="=HYPERLINK(1)", role=Role.PROFESSIONAL, teams=[team])
    c = ClientFactory(team=team, tandem=tandem)
    _read(evil, c)
    _read(worker, c)
    client.force_login(supervisor)
    response = client.get(URL, {"export": "csv", "user": evil.username})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["at", "user", "role", "action", "client_code"]
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(1)"]
    assert rows[1][4] == c.code
    event = AuditEvent.objects.get(action="access_report.export")
    assert event.detail == {"rows": 1}


def test_unusual_days_are_flagged(client, supervisor, team, tandem, settings):
    settings.OUTREACH_ACCESS_ANOMALY_THRESHOLD = 3
    snoop = UserFactory(role=Role.PROFESSIONAL, teams=[team])  # in no tandem: none is theirs
    own = tandem.professional
    for _ in range(3):
        c = ClientFactory(team=team, tandem=tandem)
        _read(snoop, c)
        _read(snoop, c)  # twice the same record counts once
        _read(own, c)  # the tandem's own clients are its caseload, the professional's
        _read(tandem.peer, c)  # and the peer's
    two = [ClientFactory(team=team) for _ in range(2)]
    for c in two:
        _read(own, c)  # outside their caseload, but under the threshold
        _read(tandem.peer, c)
    flagged = report.unusual_days(access.access_report_events(supervisor))
    assert [(u.username, u.clients) for u in flagged] == [(snoop.username, 3)]
    client.force_login(supervisor)
    html = client.get(URL).content.decode()
    assert "Unusual patterns" in html and snoop.username in html
    settings.OUTREACH_ACCESS_ANOMALY_THRESHOLD = 4
    assert report.unusual_days(access.access_report_events(supervisor)) == []


def test_clients_without_a_tandem_count_as_outside(supervisor, team, settings):
    settings.OUTREACH_ACCESS_ANOMALY_THRESHOLD = 2
    user = UserFactory(role=Role.PROFESSIONAL, teams=[team])
    for _ in range(2):
        _read(user, ClientFactory(team=team, tandem=None))
    flagged = report.unusual_days(access.access_report_events(supervisor))
    assert [(u.username, u.clients) for u in flagged] == [(user.username, 2)]


@pytest.mark.parametrize("rows", [3, 60])
def test_report_queries_do_not_grow(
    rows, client, dpo, team, tandem, worker, django_assert_num_queries
):
    for _ in range(rows):
        _read(worker, ClientFactory(team=team, tandem=tandem))
    client.force_login(dpo)
    client.get(URL)
    # session, user, count (paginator), page rows (+client), unusual days, audit insert,
    # session save (savepoint, update, release)
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == rows
